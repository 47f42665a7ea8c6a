// `npm start` loads this before the server (`node --import`, in the same process: a second node would add
// a noticeable share to the start). The start never compiles, so a dist/ older than the source (a `git pull`
// or an edit without `npm run build`) would quietly serve old code. This only reads file times, a few
// milliseconds, and writes nothing, so any number of instances can start from one checkout at once.
// A deployment without the source (the Docker image) has nothing to compare and passes.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const bundle = join(dist, 'bundle', 'server.js')

function * sources (dir) {
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield * sources(path)
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path
  }
}

/** The first source file whose compiled output is missing or older than it or than the bundle, if any. */
function firstStale () {
  const bundled = statSync(bundle).mtimeMs
  for (const source of [...sources(join(root, 'src')), ...sources(join(root, 'plugins'))]) {
    const output = join(dist, relative(root, source)).replace(/\.ts$/, '.js')
    const changed = statSync(source).mtimeMs
    if (!existsSync(output) || changed > statSync(output).mtimeMs || changed > bundled) return relative(root, source)
  }
  return undefined
}

const fail = (message) => {
  process.stderr.write(`qiao: ${message}; run \`npm run build\` (or \`npm run dev\` to run from source)\n`)
  process.exit(1)
}

if (!existsSync(join(dist, 'src', 'server.js')) || !existsSync(bundle)) fail('dist/ has no build')
const stale = firstStale()
if (stale !== undefined) fail(`dist/ is older than ${stale}`)
