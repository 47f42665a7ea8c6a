import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { builtOnFirstVisit } from '../src/first-visit.js'

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
 * through /console/session (src/routes/admin-session.ts). @fastify/static is loaded on the first visit.
 */
export default fp(async (app) => {
  const root = consoleRoot()
  if (root === undefined) {
    app.get('/console', { schema: { hide: true } }, async (_request, reply) => {
      return await reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build`\n')
    })
    return
  }
  const files = builtOnFirstVisit(async () => await buildConsoleFiles(root))
  app.get('/console', { schema: { hide: true } }, files.serve)
  app.get('/console/*', { schema: { hide: true } }, files.serve)
  app.addHook('onClose', files.close)
}, { name: 'console', fastify: '5.x' })

/** A private instance serving the built console from `root`. */
async function buildConsoleFiles (root: string): Promise<FastifyInstance> {
  const { default: fastifyStatic } = await import('@fastify/static')
  const files = Fastify()
  await files.register(fastifyStatic, {
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
  files.get('/console', async (_request, reply) => {
    void reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer')
    return await reply.header('cache-control', 'no-cache').sendFile('index.html')
  })
  await files.ready()
  return files
}
