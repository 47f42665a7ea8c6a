// POST /v1/embeddings: normalise input, serve what the cache holds, embed only the distinct misses
// upstream, and encode as the client asked (float, or base64 as openai-node asks by default).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { LRUCache } from 'lru-cache'
import { cacheModeOf } from '../embeddings/cache-mode.js'
import type { CachedEmbedResult, CacheLookup } from '../embeddings/cached-embedder.js'
import { keyNamespace } from '../embeddings/cache-key.js'
import { embeddingBody } from '../embeddings/embedding-response.js'
import { normalizeInput } from '../embeddings/normalize-input.js'
import { savedTokens } from '../embeddings/saved-tokens.js'
import { PROVIDER_CATALOG } from '../providers/catalog.js'
import { EmbeddingRequestSchema, EmbeddingResponseSchema } from '../schemas/embeddings.js'
import { errorResponses } from '../schemas/error.js'
import type { EmbeddingRequest } from '../schemas/openai-types.js'
import type { ProviderAdapter } from '../providers/types.js'
import type { RouteTarget } from '../routing/model-router.js'
import { callContext, markServedBy } from './call-context.js'

const INTERPRETED = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user'])

export const embeddingsRoutes: FastifyPluginAsync<{ hide?: boolean }> = async (app, { hide = false }) => {
  const scope = app.config.cache.embeddings.scope
  // The namespace hash is the same for every request of a team and target: computed once.
  const namespaces = new LRUCache<string, string>({ max: 10_000 })

  /** Entries are shared within a team (or key, or everyone), never across: a hit would tell one tenant what another embedded. */
  const scopeOf = (request: FastifyRequest): string =>
    scope === 'global' ? 'global' : scope === 'key' ? `key:${request.qiao.keyId ?? 'anonymous'}` : `team:${request.qiao.team ?? 'default'}`

  function namespaceOf (request: FastifyRequest, adapter: ProviderAdapter, upstreamModel: string, dimensions: number | undefined): string {
    const tenant = scopeOf(request)
    const memo = `${tenant}\n${adapter.id}\n${upstreamModel}\n${dimensions ?? ''}`
    let namespace = namespaces.get(memo)
    if (namespace === undefined) {
      namespace = keyNamespace(tenant, {
        providerType: adapter.type,
        baseUrl: adapter.config.baseUrl ?? PROVIDER_CATALOG[adapter.type].baseUrl,
        // Normalised vectors are cached apart from raw ones: turning the option on or off never serves the other kind.
        model: adapter.config.normalizeEmbeddings === true ? `${upstreamModel}#l2` : upstreamModel,
        dimensions
      })
      namespaces.set(memo, namespace)
    }
    return namespace
  }

  app.post('/embeddings', {
    schema: {
      hide,
      tags: ['embeddings'],
      summary: 'Create embeddings (float arrays, or base64 little-endian float32 as openai-node requests by default)',
      description: 'Each input is cached (per team, upstream model and dimensions). `Cache-Control: no-cache` refreshes, `no-store` bypasses, ' +
        '`only-if-cached` answers from the cache or fails with 504 `cache_miss`. `x-qiao-cache` says hit, miss or partial; ' +
        '`x-qiao-cache-hits` says how many inputs came from the cache. `usage` counts only the tokens sent upstream by this request.',
      body: EmbeddingRequestSchema,
      response: { 200: EmbeddingResponseSchema, ...errorResponses(400, 401, 402, 404, 429, 500, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const body = request.body as EmbeddingRequest
    request.qiao.model = body.model
    const targets = await app.modelRouter.resolve(body.model)
    const mode = cacheModeOf(request.headers['cache-control'])
    const dimensions = body.dimensions
    const lookupFor = async ({ adapter, upstreamModel }: RouteTarget): Promise<CacheLookup> => await app.cachedEmbedder.lookup({
      items: normalizeInput(body.input, adapter.acceptsTokenInput, adapter.id),
      namespace: namespaceOf(request, adapter, upstreamModel, dimensions),
      mode,
      dimensions
    })

    // Inputs all cached for the first target: answered without a slot, circuit or timer, as no call goes upstream.
    const first = targets[0] as RouteTarget
    const firstLookup = await lookupFor(first)
    let result: CachedEmbedResult
    let servedLookup: CacheLookup | undefined = firstLookup
    if (firstLookup.complete) {
      result = app.cachedEmbedder.answer(firstLookup)
      markServedBy(request, reply, first, 0)
    } else {
      const ctx = callContext(request, reply)
      const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !INTERPRETED.has(key)))
      const served = await app.resilientCaller.call(targets, ctx.signal, async (target, signal) => {
        const { adapter, upstreamModel } = target
        const lookup = target === first ? firstLookup : await lookupFor(target)
        return await app.cachedEmbedder.complete(lookup, async (inputs) =>
          await adapter.embed({ model: upstreamModel, inputs, extra, ...(dimensions !== undefined ? { dimensions } : {}) }, { ...ctx, signal }))
      })
      markServedBy(request, reply, served.target, served.attempts)
      if (served.target !== first) servedLookup = undefined
      result = served.value
    }
    const { vectors, hits, promptTokens } = result
    const total = vectors.length
    const outcome = hits === total ? 'hit' : hits === 0 ? 'miss' : 'partial'
    request.qiao.cache = `${hits}/${total}`
    request.qiao.usage = { prompt_tokens: promptTokens, total_tokens: promptTokens }
    // What the hits would have cost is priced with the request (plugins/pricing.ts) as its saved cost.
    if (hits > 0 && servedLookup !== undefined) request.qiao.savedTokens = savedTokens(servedLookup, promptTokens)
    // Written from each vector's ready encoding (EmbeddingResponseSchema's shape), not serialised per request.
    void reply.headers({ 'x-qiao-cache': outcome, 'x-qiao-cache-hits': `${hits}/${total}`, 'content-type': 'application/json; charset=utf-8' })
    return embeddingBody(vectors, body.encoding_format ?? 'float', body.model, promptTokens)
  })
}
