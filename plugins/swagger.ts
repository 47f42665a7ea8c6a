import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { SwaggerOptions } from '@fastify/swagger'
import { ErrorResponseSchema } from '../src/schemas/error.js'
import { ModelSchema } from '../src/schemas/models.js'
import { builtOnce } from '../src/built-once.js'
import { builtOnFirstVisit } from '../src/first-visit.js'
import { collectRoutes } from '../src/openapi-routes.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI document of this app's routes (after ready), as an object or as YAML. */
    openapi: OpenapiDocument
  }
}

interface OpenapiDocument {
  (options: { yaml: true }): Promise<string>
  (): Promise<Record<string, unknown>>
}

const DOCS = '/docs'

const SWAGGER_OPTIONS: SwaggerOptions = {
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
}

/**
 * The OpenAPI document is generated from the route schemas; GET /openapi.json serves it, /docs shows it.
 * @fastify/swagger runs in a private instance built on the first request for the document (openapi-routes.ts).
 */
export default fp(async (app) => {
  app.addSchema(ErrorResponseSchema)
  app.addSchema(ModelSchema)
  const routes = collectRoutes(app)
  const documented = builtOnce(async () => await routes.build(async (inner) => {
    const { default: swagger } = await import('@fastify/swagger')
    await inner.register(swagger, SWAGGER_OPTIONS)
  }))
  const openapi = async (options?: { yaml: true }): Promise<string | Record<string, unknown>> => {
    const inner = await documented.get()
    return options?.yaml === true ? inner.swagger({ yaml: true }) : inner.swagger() as unknown as Record<string, unknown>
  }
  app.decorate('openapi', openapi as OpenapiDocument)
  app.addHook('onClose', async () => { await (await documented.ifBuilt())?.close() })
  app.get('/openapi.json', { schema: { hide: true } }, async () => await app.openapi())

  // The docs page (swagger-ui, @fastify/static and their assets, ~5 MB resident) is built on its first visit,
  // not at start: most instances never serve it.
  const docs = builtOnFirstVisit(async () => await buildDocsUi(await documented.get()))
  app.get(DOCS, { schema: { hide: true } }, docs.serve)
  app.get(`${DOCS}/*`, { schema: { hide: true } }, docs.serve)
  app.addHook('onClose', docs.close)
}, { name: 'swagger', fastify: '5.x' })

/** A private instance running @fastify/swagger-ui under /docs over this app's document (`documented`'s). */
async function buildDocsUi (documented: FastifyInstance): Promise<FastifyInstance> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui')
  const ui = Fastify({ routerOptions: { ignoreTrailingSlash: true } })
  // swagger-ui needs @fastify/swagger registered: the document is the app's own.
  ui.register(fp(async (inner) => { inner.decorate('swagger', documented.swagger) }, { name: '@fastify/swagger', fastify: '5.x' }))
  await ui.register(swaggerUi, { routePrefix: DOCS, uiConfig: { docExpansion: 'list' } })
  await ui.ready()
  return ui
}
