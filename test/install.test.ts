// What `npm ci` installs: every package runs on every Node version qiao supports, no install script is left
// unreviewed, and the cookie version pinned for light-my-request (fastify's inject) does what inject needs.
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
import semver from 'semver'
import t from 'tap'

interface LockEntry { version?: string, engines?: unknown, hasInstallScript?: boolean, link?: boolean }

const root = new URL('../', import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string }
  allowScripts?: Record<string, boolean>
}
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockEntry>
}
const installed = Object.entries(lock.packages).filter(([path]) => path !== '')
const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)

t.test('every installed package supports every Node version in engines.node', async (t) => {
  t.ok(semver.validRange(pkg.engines.node), pkg.engines.node)
  const unsupported = installed
    .filter(([, entry]) => typeof entry.engines === 'object' && entry.engines !== null)
    .map(([path, entry]) => [path, entry, (entry.engines as { node?: unknown }).node] as const)
    .filter(([, , node]) => typeof node === 'string' && !semver.subset(pkg.engines.node, node))
    .map(([path, entry, node]) => `${nameOf(path)}@${entry.version ?? '?'} needs node ${String(node)}`)
  t.same(unsupported, [], `engines.node ${pkg.engines.node} reaches beyond what these packages support`)
})

t.test('every package with an install script is approved or denied in allowScripts', async (t) => {
  const policy = pkg.allowScripts ?? {}
  const covered = (name: string, version: string | undefined): boolean => Object.keys(policy).some((key) => {
    const at = key.lastIndexOf('@')
    if (at <= 0) return key === name
    return key.slice(0, at) === name && version !== undefined && semver.satisfies(version, key.slice(at + 1))
  })
  const unreviewed = installed
    .filter(([, entry]) => entry.hasInstallScript === true && entry.link !== true)
    .map(([path, entry]) => [nameOf(path), entry.version] as const)
    .filter(([name, version]) => !covered(name, version))
    .map(([name, version]) => `${name}@${version ?? '?'}`)
  t.same(unreviewed, [], 'npm ci would warn about these install scripts')
})

t.test('inject sends cookies as a Cookie header with the pinned cookie package', async (t) => {
  const app = Fastify()
  app.get('/echo', async (request) => ({ cookie: request.headers.cookie ?? null }))
  t.teardown(async () => { await app.close() })
  const res = await app.inject({ url: '/echo', cookies: { session: 'a b;c', plain: 'v1' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { cookie: 'session=a%20b%3Bc; plain=v1' })
})
