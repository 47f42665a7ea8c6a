// GET /v1/models and /v1/models/{id}: every name a client may send as `model`.
import type { FastifyPluginAsync } from 'fastify'
import { ModelNotFoundError } from '../errors/gateway-error.js'
import { errorResponses } from '../schemas/error.js'
import { modelInfo } from '../providers/model-info.js'
import { ModelListSchema, ModelSchema } from '../schemas/models.js'

export const modelsRoutes: FastifyPluginAsync<{ hide?: boolean }> = async (app, { hide = false }) => {
  const created = Math.floor(Date.now() / 1000)
  const listModels = async () => (await app.modelRouter.list()).map(({ id, ownedBy }) => ({ id, object: 'model' as const, created, owned_by: ownedBy }))

  app.get('/models', {
    schema: { hide, tags: ['models'], summary: 'List the models this gateway serves', response: { 200: ModelListSchema } }
  }, async (request) => ({ object: 'list', data: (await listModels()).filter((m) => app.auth.allows(request, m.id)) }))

  // Model ids contain slashes (modelscope/Qwen/Qwen3-32B), hence the wildcard.
  app.get('/models/*', {
    schema: {
      hide,
      tags: ['models'],
      summary: 'Retrieve one model',
      description: 'An embedding model may carry `dimensions` (its default size, where known) and `normalized: true` (qiao answers unit-length vectors).',
      response: { 200: ModelSchema, ...errorResponses(404) }
    }
  }, async (request) => {
    const id = decodeURIComponent((request.params as { '*': string })['*'])
    const model = (await listModels()).find((m) => m.id === id && app.auth.allows(request, m.id))
    if (model === undefined) throw new ModelNotFoundError(id)
    const target = (await app.modelRouter.resolve(id))[0]
    return target === undefined ? model : { ...model, ...modelInfo(target.adapter.config, target.upstreamModel) }
  })
}
