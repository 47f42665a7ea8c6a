// Liveness and readiness. Redis is never required to serve a request, so its outage makes the gateway
// "degraded", not unready: taking every replica out of the load balancer would be worse.
import type { FastifyPluginAsync } from 'fastify'
import type { RedisReport } from '../redis/topology.js'

export interface DependencyCheck {
  name: string
  check: () => Promise<'up' | 'down' | 'disabled'>
}

export interface HealthOptions {
  checks?: DependencyCheck[]
  /** How Redis is run and each node's state; undefined without Redis. */
  redis?: () => Promise<RedisReport | undefined>
}

export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { checks = [], redis }) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is up' } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { tags: ['health'], summary: 'Whether the gateway can serve; 503 only while shutting down' } }, async (_request, reply) => {
    const dependencies: Record<string, string> = {}
    await Promise.all(checks.map(async ({ name, check }) => { dependencies[name] = await check().catch(() => 'down' as const) }))
    const degraded = Object.values(dependencies).includes('down')
    const providers = app.modelRouter.adapters.map((adapter) => ({ id: adapter.id, type: adapter.type }))
    // Open circuits are reported, not fatal: other targets (or the cool-down) still serve.
    const openCircuits = app.resilientCaller.circuitStates().filter((c) => c.state !== 'closed')
    const shuttingDown = app.lifecycle.shuttingDown
    const topology = await redis?.().catch(() => undefined)
    if (shuttingDown) void reply.code(503)
    return { status: shuttingDown ? 'shutting_down' : degraded ? 'degraded' : 'ok', dependencies, providers, circuits: openCircuits, ...(topology !== undefined ? { redis: topology } : {}) }
  })
}
