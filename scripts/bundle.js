// `npm run build` (and `prepare`) runs this after tsc: dist/src/server.js and everything it imports, qiao's
// own modules and its dependencies, into dist/bundle/, which `npm start` runs. Loading ~1,000 files through
// Node's module loader allocates ~25 MB while starting; one file and a few lazily loaded chunks do not.
// Plain JavaScript, like prepare.js.
//
// What the bundle leaves to node_modules at run time:
// - modules loaded with `createRequire(import.meta.url)` (undici's core files, Fastify's Ajv compiler, yaml):
//   esbuild does not follow those calls, and Node resolves them from dist/bundle/ as from dist/src/;
// - @fastify/swagger-ui, which serves its static files from its own package directory;
// - ioredis and undici, loaded only with Redis or for an alert, which read files next to their own
//   (`__dirname`: their package.json, undici's pieces), which an ES module bundle does not have.
// Any other dynamic `import()` (@fastify/static, @fastify/swagger, prom-client) becomes a chunk loaded on first use.
// `app` and `config-load` are entries of their own (the same chunks server.js loads), so that the benchmark's
// qiao (bench/serve.ts) runs the code `npm start` runs.
// dist/bundle/ sits next to dist/console/, so `new URL('../console/', import.meta.url)` finds it as from
// dist/plugins/.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = `${root}dist/bundle`

rmSync(outdir, { recursive: true, force: true })
await build({
  entryPoints: { server: `${root}dist/src/server.js`, app: `${root}dist/src/app.js`, 'config-load': `${root}dist/src/config/load.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['@fastify/swagger-ui', 'ioredis', 'undici'],
  // The CommonJS packages inside an ES module still call require() for Node's builtins.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  // Less source for V8 to hold; names are kept, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'linked',
  sourcemap: true,
  logLevel: 'warning'
})
