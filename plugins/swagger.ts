import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import { ErrorResponseSchema } from '../src/schemas/error.js'
import { ModelSchema } from '../src/schemas/models.js'

const DOCS = '/docs'
/** What static files are served by: conditional and partial requests. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range']
/** Hop-by-hop or computed again by this app's reply. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'content-length'])

/** The OpenAPI document is generated from the route schemas; GET /openapi.json serves it, /docs shows it. */
export default fp(async (app) => {
  app.addSchema(ErrorResponseSchema)
  app.addSchema(ModelSchema)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'qiao',
        description: 'OpenAI-compatible gateway for DeepSeek, Zhipu (GLM), ModelScope and Ollama. Every route under /v1 is also served without the prefix.',
        version: '0.1.0'
      },
      tags: [{ name: 'chat' }, { name: 'embeddings' }, { name: 'models' }, { name: 'health' }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }
      }
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json['$id'] === 'string' ? json['$id'] : `def-${i}` }
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

  // The docs page (swagger-ui, @fastify/static and their assets, ~5 MB resident) is built on its first visit,
  // not at start: most instances never serve it.
  let ui: Promise<FastifyInstance> | undefined
  const docsUi = async (): Promise<FastifyInstance> => {
    ui ??= buildDocsUi(app).catch((err: unknown) => {
      ui = undefined
      throw err
    })
    return await ui
  }
  const serveDocs = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const headers: Record<string, string | string[]> = {}
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = request.headers[name]
      if (value !== undefined) headers[name] = value
    }
    // Always a GET: this app's own HEAD route then answers with the same headers and no body.
    const res = await (await docsUi()).inject({ method: 'GET', url: request.url, headers })
    if (res.statusCode === 404) {
      reply.callNotFound()
      return reply
    }
    reply.code(res.statusCode)
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) reply.header(name, value)
    }
    return await reply.send(res.rawPayload.length > 0 ? res.rawPayload : undefined)
  }
  app.get(DOCS, { schema: { hide: true } }, serveDocs)
  app.get(`${DOCS}/*`, { schema: { hide: true } }, serveDocs)
  app.addHook('onClose', async () => {
    const built = await ui?.catch(() => undefined)
    await built?.close()
  })
}, { name: 'swagger', fastify: '5.x' })

/** A private instance running @fastify/swagger-ui under /docs over this app's document. */
async function buildDocsUi (app: FastifyInstance): Promise<FastifyInstance> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui')
  const ui = Fastify({ routerOptions: { ignoreTrailingSlash: true } })
  // swagger-ui needs @fastify/swagger registered: the document is the app's own.
  ui.register(fp(async (inner) => { inner.decorate('swagger', app.swagger) }, { name: '@fastify/swagger', fastify: '5.x' }))
  await ui.register(swaggerUi, { routePrefix: DOCS, uiConfig: { docExpansion: 'list' } })
  await ui.ready()
  return ui
}
