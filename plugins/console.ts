import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Built by `npm run build` (console/build.mjs) into dist/console/, next to dist/plugins/ or under the checkout. */
function consoleRoot (): string | undefined {
  const candidates = ['../console/', '../dist/console/'].map((path) => fileURLToPath(new URL(path, import.meta.url)))
  return candidates.find((dir) => existsSync(`${dir}index.html`))
}

const IMMUTABLE = 'public, max-age=31536000, immutable'
// The console talks to its own origin only; uPlot sets inline styles on its elements.
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * The web console at /console: static files only. It is a client of the admin API like any other, signed in
 * through /console/session (src/routes/admin-session.ts).
 */
export default fp(async (app) => {
  const root = consoleRoot()
  if (root === undefined) {
    app.get('/console', { schema: { hide: true } }, async (_request, reply) => {
      return await reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build`\n')
    })
    return
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/console/',
    index: false,
    wildcard: true,
    cacheControl: false,
    setHeaders: (res, path) => {
      // Asset names carry their content hash; index.html names the current ones and must always be fresh.
      res.setHeader('cache-control', path.endsWith('.html') ? 'no-cache' : IMMUTABLE)
      res.setHeader('x-content-type-options', 'nosniff')
    }
  })
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer')
    return await reply.header('cache-control', 'no-cache').sendFile('index.html')
  })
}, { name: 'console', fastify: '5.x' })
