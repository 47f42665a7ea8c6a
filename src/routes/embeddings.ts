// POST /v1/embeddings: normalise input, ask the backend (in its batch sizes), encode as the client asked.
import type { FastifyPluginAsync } from 'fastify'
import { embeddingResponse } from '../embeddings/embedding-response.js'
import { normalizeInput } from '../embeddings/normalize-input.js'
import { EmbeddingRequestSchema, EmbeddingResponseSchema } from '../schemas/embeddings.js'
import { errorResponses } from '../schemas/error.js'
import type { EmbeddingRequest } from '../schemas/openai-types.js'
import { tryTargets } from '../routing/try-targets.js'
import { callContext, markServedBy } from './call-context.js'

const INTERPRETED = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user'])

export const embeddingsRoutes: FastifyPluginAsync<{ hide?: boolean }> = async (app, { hide = false }) => {
  app.post('/embeddings', {
    schema: {
      hide,
      tags: ['embeddings'],
      summary: 'Create embeddings (float arrays, or base64 little-endian float32 as openai-node requests by default)',
      body: EmbeddingRequestSchema,
      response: { 200: EmbeddingResponseSchema, ...errorResponses(400, 401, 402, 404, 429, 500, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const body = request.body as EmbeddingRequest
    request.qiao.model = body.model
    const targets = await app.modelRouter.resolve(body.model)
    const ctx = callContext(request, reply)
    const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !INTERPRETED.has(key)))
    const served = await tryTargets(targets, ctx.signal, async (target) => {
      const inputs = normalizeInput(body.input, target.adapter.acceptsTokenInput, target.adapter.id)
      return await target.adapter.embed({
        model: target.upstreamModel,
        inputs,
        extra,
        ...(body.dimensions !== undefined ? { dimensions: body.dimensions } : {})
      }, ctx)
    })
    markServedBy(request, reply, served.target, served.attempts)
    request.qiao.usage = served.value.usage
    return embeddingResponse(served.value.vectors, body.encoding_format ?? 'float', body.model, served.value.usage)
  })
}
