import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import { ErrorResponseSchema } from '../src/schemas/error.js'
import { ModelSchema } from '../src/schemas/models.js'
import { builtOnFirstVisit } from '../src/first-visit.js'

const DOCS = '/docs'

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
  const docs = builtOnFirstVisit(async () => await buildDocsUi(app))
  app.get(DOCS, { schema: { hide: true } }, docs.serve)
  app.get(`${DOCS}/*`, { schema: { hide: true } }, docs.serve)
  app.addHook('onClose', docs.close)
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
