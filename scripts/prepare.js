// `npm ci` / `npm install` run this (the `prepare` script): compile src/ and plugins/ into dist/ and bundle them once, here,
// so that `npm start` only runs the build and never compiles. Plain JavaScript: it runs before any build.
// An install without dev dependencies (`npm ci --omit=dev`) has no TypeScript: it keeps the dist/ it has.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

let tsc
try {
  tsc = createRequire(`${root}package.json`).resolve('typescript/bin/tsc')
} catch {
  if (!existsSync(`${root}dist/src/server.js`)) {
    process.stderr.write('qiao: not built: TypeScript is a dev dependency; run `npm ci` (with dev dependencies) to build dist/\n')
  }
  process.exit(0)
}

// The same as `npm run build`: the compilation, the server's bundle (dist/bundle/), then the console's (dist/console/).
for (const args of [[tsc, '-p', 'tsconfig.build.json'], ['scripts/bundle.js']]) {
  const { status } = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' })
  if (status !== 0) process.exit(status ?? 1)
}
// A copy without the console's sources (an API-only image) serves no console; nothing to bundle.
if (!existsSync(`${root}console/build.mjs`)) process.exit(0)
const bundle = spawnSync(process.execPath, ['console/build.mjs'], { cwd: root, stdio: 'inherit' })
process.exit(bundle.status ?? 1)
