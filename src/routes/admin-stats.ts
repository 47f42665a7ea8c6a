// GET /admin/stats: live state the usage store does not keep (latency quantiles, time to first token, cache
// hits, circuits, in-flight and queued calls, failures by class) and Redis's topology and nodes, for the
// console's Overview and Providers.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { errorResponses } from '../schemas/error.js'
import { failuresByProvider, quantiles, readMetrics } from './admin-stats-read.js'

const Seconds = Type.Union([Type.Number(), Type.Null()])
const QuantilesSchema = Type.Object({ p50: Seconds, p95: Seconds, count: Type.Integer() }, { description: 'seconds, since the process started; null without observations' })
const Up = Type.Union([Type.Literal('up'), Type.Literal('down')])
const RedisSchema = Type.Union([
  Type.Object({
    topology: Type.Union([Type.Literal('server'), Type.Literal('cluster'), Type.Literal('sentinel')], { description: 'one server, a Redis Cluster, or a master behind Sentinel' }),
    state: Type.Union([Type.Literal('up'), Type.Literal('down')], { description: 'up: every master answers; down: not connected, or a master (a shard) is lost' }),
    nodes: Type.Array(Type.Object({
      address: Type.String({ description: 'host:port' }),
      role: Type.Union([Type.Literal('master'), Type.Literal('replica'), Type.Literal('sentinel')]),
      state: Up
    })),
    name: Type.Optional(Type.String({ description: 'Sentinel only: the monitored master\'s name' }))
  }),
  Type.Null()
], { description: 'how Redis is run and the state of each node, asked live (as /readyz reports it); null without Redis: the cache, keys and limits are then kept per process' })

const StatsSchema = Type.Object({
  since: Type.String({ description: 'when this process started: the counters below are this replica\'s since then' }),
  metrics: Type.Boolean({ description: 'false when metrics.enabled is off: latency and failures are then unknown' }),
  latency: QuantilesSchema,
  time_to_first_token: QuantilesSchema,
  embedding_cache: Type.Object({ hits: Type.Integer(), misses: Type.Integer(), errors: Type.Integer(), bypassed: Type.Integer() }),
  providers: Type.Array(Type.Object({
    id: Type.String(),
    type: Type.String(),
    models: Type.Array(Type.String()),
    in_flight: Type.Integer(),
    queued: Type.Integer(),
    requests: Type.Integer(),
    failures: Type.Record(Type.String(), Type.Integer(), { description: 'failure class → count' }),
    latency: QuantilesSchema,
    circuits: Type.Array(Type.Object({ target: Type.String(), state: Type.String() }))
  })),
  redis: RedisSchema
})

const STARTED = new Date().toISOString()

export const adminStatsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/admin/stats', {
    schema: {
      tags: ['admin'],
      summary: 'Live gateway state: latency and time-to-first-token quantiles, embedding cache counts, per provider its health (circuits, in flight, queued, failures by class), and Redis\'s topology and nodes',
      security: [{ bearer: [] }],
      response: { 200: StatsSchema, ...errorResponses(401, 403) }
    }
  }, async () => {
    const registry = app.hasDecorator('metrics') ? app.metrics : undefined
    const metrics = await readMetrics(registry)
    const failures = failuresByProvider(metrics)
    const concurrency = new Map(app.resilientCaller.concurrency().map((c) => [c.provider, c]))
    const circuits = app.resilientCaller.circuitStates()
    const configured = new Map(app.config.providers.map((p) => [p.id, p.models ?? []]))
    // A probe that fails outright still means Redis is configured: reported down, with no nodes known.
    const redis = app.redisReport === undefined
      ? null
      : await app.redisReport.read().catch(() => ({ topology: app.redisTopology ?? 'server', state: 'down' as const, nodes: [] }))
    return {
      since: STARTED,
      metrics: registry !== undefined,
      latency: quantiles(metrics, 'qiao_request_duration_seconds', (labels) => labels['provider'] !== ''),
      time_to_first_token: quantiles(metrics, 'qiao_time_to_first_token_seconds'),
      embedding_cache: { hits: 0, misses: 0, errors: 0, bypassed: 0, ...app.embeddingCache?.stats },
      providers: app.modelRouter.adapters.map((adapter) => ({
        id: adapter.id,
        type: adapter.type,
        models: [...(configured.get(adapter.id) ?? [])],
        in_flight: concurrency.get(adapter.id)?.inFlight ?? 0,
        queued: concurrency.get(adapter.id)?.queued ?? 0,
        requests: failures.get(adapter.id)?.requests ?? 0,
        failures: failures.get(adapter.id)?.failures ?? {},
        latency: quantiles(metrics, 'qiao_upstream_latency_seconds', (labels) => labels['provider'] === adapter.id),
        // Circuit targets are `provider/model`.
        circuits: circuits.filter((c) => c.target.startsWith(`${adapter.id}/`) || c.target === adapter.id).map((c) => ({ target: c.target, state: String(c.state) }))
      })),
      redis
    }
  })
}
