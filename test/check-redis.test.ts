// `npm test` on a machine without redis-server stops at once, with one line saying what is missing and how
// to install it, before the typecheck, the lint and the tests. Each case runs npm with a PATH of its own.
import { spawn } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'

const root = fileURLToPath(new URL('..', import.meta.url))
const MESSAGE = 'npm test needs redis-server on the PATH (the tests start their own): ' +
  'install it with `sudo apt-get install redis-server` (Debian, Ubuntu) or `brew install redis` (macOS)'

function onPath (name: string): string {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try { return realpathSync(join(dir, name)) } catch {}
  }
  throw new Error(`${name} is not on the PATH`)
}

/** A folder holding only node and sh, and redis-server when asked: the PATH of a machine without it. */
function binFolder (t: Test, withRedis: boolean): string {
  const bin = mkdtempSync(join(tmpdir(), 'qiao-bin-'))
  t.teardown(() => { rmSync(bin, { recursive: true, force: true }) })
  symlinkSync(process.execPath, join(bin, 'node'))
  symlinkSync(onPath('sh'), join(bin, 'sh'))
  if (withRedis) {
    writeFileSync(join(bin, 'redis-server'), '#!/bin/sh\nexit 0\n')
    chmodSync(join(bin, 'redis-server'), 0o755)
  }
  return bin
}

/**
 * `npm test` in a project holding only package.json and the check: if the check let it through, the test
 * script would fail at once (no npm, no tsc on that PATH) instead of running anything.
 */
async function npmTest (t: Test, bin: string): Promise<{ status: number | null, stdout: string, stderr: string }> {
  const project = mkdtempSync(join(tmpdir(), 'qiao-project-'))
  t.teardown(() => { rmSync(project, { recursive: true, force: true }) })
  mkdirSync(join(project, 'scripts'))
  cpSync(join(root, 'package.json'), join(project, 'package.json'))
  cpSync(join(root, 'scripts', 'check-redis.js'), join(project, 'scripts', 'check-redis.js'))
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('npm_')) env[key] = value
  const child = spawn(process.execPath, [onPath('npm'), 'test'], { cwd: project, env: { ...env, PATH: bin }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return { status, stdout, stderr }
}

t.test('without redis-server, npm test stops before anything else with one line on how to install it', async (t) => {
  const run = await npmTest(t, binFolder(t, false))
  t.not(run.status, 0)
  t.same(run.stderr.split('\n').filter((line) => line.includes('redis-server')), [MESSAGE])
  t.notMatch(run.stdout, /^> qiao@\S+ test$/m, 'the test script did not run')
})

t.test('with redis-server on the PATH, the check passes silently and npm test goes on', async (t) => {
  const run = await npmTest(t, binFolder(t, true))
  t.notMatch(run.stderr, /redis-server/)
  t.match(run.stdout, /^> qiao@\S+ test$/m, 'the test script ran')
})
