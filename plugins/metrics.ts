import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { NANOS_PER_UNIT } from '../src/pricing/money.js'
import { endStatus } from './request-context.js'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

/** Who spent the tokens, as a label: the key id (never the key), `(master)`, or `anonymous` without keys. */
const ANONYMOUS = 'anonymous'

/**
 * GET /metrics in Prometheus text format. Counters are updated once per request when it ends (answered or
 * abandoned), off the hot path; cache counters are read from the cache's own stats at scrape time.
 * Process and Node.js metrics keep prom-client's standard names, so stock Node.js dashboards read them.
 */
export default fp(async (app) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const requests = new Counter({
    name: 'qiao_requests_total',
    help: 'Requests by route, status, model, provider and failure class',
    labelNames: ['route', 'status', 'model', 'provider', 'failure'] as const,
    registers: [registry]
  })
  const duration = new Histogram({
    name: 'qiao_request_duration_seconds',
    help: 'Time from request to the end of the answer (whole stream included)',
    labelNames: ['route', 'provider'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry]
  })
  const upstreamLatency = new Histogram({
    name: 'qiao_upstream_latency_seconds',
    help: 'Time until the upstream answered (response headers for streams), retries included',
    labelNames: ['provider'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry]
  })
  const timeToFirstToken = new Histogram({
    name: 'qiao_time_to_first_token_seconds',
    help: 'Time until the first streamed chunk left the gateway',
    labelNames: ['provider', 'model'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry]
  })
  const resilience = app.resilientCaller
  registry.registerMetric(new Gauge({
    name: 'qiao_circuit_open',
    help: 'Per target: 0 closed, 1 open, 0.5 half-open',
    labelNames: ['target'] as const,
    registers: [],
    collect () {
      this.reset()
      for (const { target, state } of resilience.circuitStates()) this.set({ target }, state === 'open' ? 1 : state === 'half_open' ? 0.5 : 0)
    }
  }))
  for (const [name, help, pick] of [
    ['qiao_upstream_in_flight', 'Requests in flight per provider', 'inFlight'],
    ['qiao_upstream_queued', 'Requests waiting for a slot per provider', 'queued']
  ] as const) {
    registry.registerMetric(new Gauge({
      name,
      help,
      labelNames: ['provider'] as const,
      registers: [],
      collect () { for (const c of resilience.concurrency()) this.set({ provider: c.provider }, c[pick]) }
    }))
  }
  const tokens = new Counter({
    name: 'qiao_tokens_total',
    help: 'Tokens by direction, model and key id (tokens streamed so far for a client that left)',
    labelNames: ['direction', 'model', 'key'] as const,
    registers: [registry]
  })
  const cost = new Counter({
    name: 'qiao_cost_total',
    help: `What requests cost, in ${app.config.pricing.currency}, by key id and model (priced by the target that served them)`,
    labelNames: ['key', 'model'] as const,
    registers: [registry]
  })
  // Counters read from the cache's own running totals at scrape time (they only ever grow).
  const cacheCounter = (name: string, help: string, read: (stats: NonNullable<typeof app.embeddingCache>['stats']) => number) => new Counter({
    name,
    help,
    registers: [registry],
    collect () {
      this.reset()
      if (app.embeddingCache !== undefined) this.inc(read(app.embeddingCache.stats))
    }
  })
  cacheCounter('qiao_embedding_cache_hits_total', 'Embedding inputs served from the cache', (s) => s.hits)
  cacheCounter('qiao_embedding_cache_misses_total', 'Embedding inputs looked up and not found', (s) => s.misses)
  cacheCounter('qiao_embedding_cache_errors_total', 'Cache store failures and timeouts (each opens the circuit)', (s) => s.errors)
  cacheCounter('qiao_embedding_cache_bypassed_total', 'Cache calls skipped while the circuit was open', (s) => s.bypassed)

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
    void reply.type(registry.contentType)
    return await registry.metrics()
  })
  app.decorate('metrics', registry)
}, { name: 'metrics', dependencies: ['request-context', 'embedding-cache', 'resilient-caller', 'pricing'], fastify: '5.x' })
