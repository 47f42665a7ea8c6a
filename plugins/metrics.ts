import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Registry } from 'prom-client'
import { NANOS_PER_UNIT } from '../src/pricing/money.js'
import { builtOnce } from '../src/built-once.js'
import { LabelledCounter, LabelledHistogram } from '../src/metrics/labelled-series.js'
import { endStatus } from './request-context.js'

/** What the admin API reads (src/routes/admin-stats-read.ts); the registry is built on the first read. */
export type MetricsReader = Pick<Registry, 'getMetricsAsJSON'>

declare module 'fastify' {
  interface FastifyInstance {
    metrics: MetricsReader
  }
}

/** Who spent the tokens, as a label: the key id (never the key), `(master)`, or `anonymous` without keys. */
const ANONYMOUS = 'anonymous'

/**
 * GET /metrics in Prometheus text format. Each request is counted once when it ends (answered or abandoned)
 * into plain per-label series; prom-client is loaded and handed them on the first scrape, and reads the
 * gauges and the cache's running totals at each scrape. Process and Node.js metrics keep prom-client's
 * standard names, so stock Node.js dashboards read them; they start with that first scrape.
 */
export default fp(async (app) => {
  const requests = new LabelledCounter('qiao_requests_total', 'Requests by route, status, model, provider and failure class',
    ['route', 'status', 'model', 'provider', 'failure'] as const)
  const duration = new LabelledHistogram('qiao_request_duration_seconds', 'Time from request to the end of the answer (whole stream included)',
    ['route', 'provider'] as const, [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120])
  const upstreamLatency = new LabelledHistogram('qiao_upstream_latency_seconds', 'Time until the upstream answered (response headers for streams), retries included',
    ['provider'] as const, [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
  const timeToFirstToken = new LabelledHistogram('qiao_time_to_first_token_seconds', 'Time until the first streamed chunk left the gateway',
    ['provider', 'model'] as const, [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60])
  const tokens = new LabelledCounter('qiao_tokens_total', 'Tokens by direction, model and key id (tokens streamed so far for a client that left)',
    ['direction', 'model', 'key'] as const)
  const cost = new LabelledCounter('qiao_cost_total',
    `What requests cost, in ${app.config.pricing.currency}, by key id and model (priced by the target that served them)`, ['key', 'model'] as const)
  const cacheStats = () => app.embeddingCache?.stats

  const registry = builtOnce(async () => {
    const { buildRegistry } = await import('../src/metrics/prom-registry.js')
    return await buildRegistry({
      listed: [requests, duration, upstreamLatency, timeToFirstToken, 'upstream', tokens, cost],
      circuitStates: () => app.resilientCaller.circuitStates(),
      concurrency: () => app.resilientCaller.concurrency(),
      totals: [
        { name: 'qiao_embedding_cache_hits_total', help: 'Embedding inputs served from the cache', read: () => cacheStats()?.hits },
        { name: 'qiao_embedding_cache_misses_total', help: 'Embedding inputs looked up and not found', read: () => cacheStats()?.misses },
        { name: 'qiao_embedding_cache_errors_total', help: 'Cache store failures and timeouts (each opens the circuit)', read: () => cacheStats()?.errors },
        { name: 'qiao_embedding_cache_bypassed_total', help: 'Cache calls skipped while the circuit was open', read: () => cacheStats()?.bypassed }
      ]
    })
  })

  app.onRequestEnd(count)

  function count (request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? 'unknown'
    if (route === '/metrics') return
    const { model = '', provider = '', usage } = request.qiao
    requests.inc({ route, status: endStatus(request, reply), model, provider, failure: request.qiao.failure ?? '' })
    duration.observe({ route, provider }, reply.elapsedTime / 1000)
    if (request.qiao.upstreamMs !== undefined) upstreamLatency.observe({ provider }, request.qiao.upstreamMs / 1000)
    if (request.qiao.firstChunkMs !== undefined) timeToFirstToken.observe({ provider, model }, request.qiao.firstChunkMs / 1000)
    const key = request.qiao.keyId ?? ANONYMOUS
    if (usage?.prompt_tokens !== undefined && usage.prompt_tokens > 0) tokens.inc({ direction: 'in', model, key }, usage.prompt_tokens)
    if (usage?.completion_tokens !== undefined && usage.completion_tokens > 0) tokens.inc({ direction: 'out', model, key }, usage.completion_tokens)
    if (request.qiao.cost !== undefined && request.qiao.cost > 0) cost.inc({ key, model }, request.qiao.cost / NANOS_PER_UNIT)
  }
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const metrics = await registry.get()
    void reply.type(metrics.contentType)
    return await metrics.metrics()
  })
  app.decorate('metrics', { getMetricsAsJSON: async () => await (await registry.get()).getMetricsAsJSON() })
}, { name: 'metrics', dependencies: ['request-context', 'embedding-cache', 'resilient-caller', 'pricing'], fastify: '5.x' })
