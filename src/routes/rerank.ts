// POST /v1/rerank (also /rerank and /v2/rerank): Cohere/Jina-shaped reranking through the router and the
// resilient caller, like chat. Results are sorted and cut to top_n here, and documents come from the request,
// so every backend answers alike whatever it returned.
import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { InvalidRequestError } from '../errors/gateway-error.js'
import { errorResponses } from '../schemas/error.js'
import { RerankRequestSchema, RerankResponseSchema, type RerankRequest } from '../schemas/rerank.js'
import type { RouteTarget } from '../routing/model-router.js'
import { callContext, markAttempt, markServedBy } from './call-context.js'

const INTERPRETED = new Set(['model', 'query', 'documents', 'top_n', 'return_documents'])

export const rerankRoutes: FastifyPluginAsync<{ hide?: boolean }> = async (app, { hide = false }) => {
  app.post('/rerank', {
    schema: {
      hide,
      tags: ['rerank'],
      summary: 'Rerank documents by relevance to a query (Cohere/Jina format)',
      description: 'Served by Zhipu\'s `rerank` and by `type: openai` providers\' `/rerank`; other backends answer 400. ' +
        '`usage.total_tokens` is the backend\'s count (an estimate of characters / 4 when it gives none) and is priced as prompt tokens.',
      body: RerankRequestSchema,
      response: { 200: RerankResponseSchema, ...errorResponses(400, 401, 402, 404, 429, 500, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const body = request.body as RerankRequest
    request.qiao.model = body.model
    const documents = body.documents.map((doc) => typeof doc === 'string' ? doc : doc.text)
    const targets = withRerank(await app.modelRouter.resolve(body.model), body.model)
    const ctx = callContext(request, reply)
    const estimate = Math.max(1, Math.ceil((body.query.length + documents.reduce((sum, text) => sum + text.length, 0)) / 4))
    const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !INTERPRETED.has(key)))
    const served = await app.resilientCaller.call(targets, ctx.signal, async (target, signal) => {
      markAttempt(request, target, () => estimate)
      const adapter = target.adapter as RouteTarget['adapter'] & Required<Pick<RouteTarget['adapter'], 'rerank'>>
      const call = { model: target.upstreamModel, query: body.query, documents, extra, ...(body.top_n !== undefined ? { topN: body.top_n } : {}) }
      return await adapter.rerank(call, { ...ctx, signal })
    })
    markServedBy(request, reply, served.target, served.attempts)
    const tokens = served.value.usage?.total_tokens ?? estimate
    request.qiao.usage = { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens }
    const ranked = [...served.value.scores].sort((a, b) => b.relevance_score - a.relevance_score).slice(0, body.top_n ?? documents.length)
    return {
      id: randomUUID(),
      model: body.model,
      results: ranked.map(({ index, relevance_score: score }) =>
        body.return_documents === true ? { index, relevance_score: score, document: { text: documents[index] ?? '' } } : { index, relevance_score: score }),
      usage: { total_tokens: tokens }
    }
  })
}

/** The targets that can rerank; none is the caller's mistake, named with the backend that lacks it. */
function withRerank (targets: RouteTarget[], model: string): RouteTarget[] {
  const able = targets.filter((target) => target.adapter.rerank !== undefined)
  if (able.length > 0) return able
  const kinds = [...new Set(targets.map((target) => target.adapter.type))].join(', ')
  throw new InvalidRequestError(`The model '${model}' cannot rerank: ${kinds} has no rerank API`, { param: 'model', code: 'model_not_supported' })
}
