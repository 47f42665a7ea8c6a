import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { ErrorResponseSchema } from '../src/schemas/error.js'
import { ModelSchema } from '../src/schemas/models.js'

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
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'swagger', fastify: '5.x' })
