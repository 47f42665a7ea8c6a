import fp from 'fastify-plugin'
import { OutageLog } from '../src/redis-outage.js'
import { connectRedis, type RedisClient, type Topology } from '../src/redis/connect.js'
import { migrateAdminKeys, migrateCounters } from '../src/redis/migrate-layout.js'
import { RedisTopologyReport } from '../src/redis/topology.js'

const READY_WAIT_MS = 2_000

declare module 'fastify' {
  interface FastifyInstance {
    redis: RedisClient | undefined
    /** How Redis is run: one server, a Cluster or a master behind Sentinel (undefined without Redis). */
    redisTopology: Topology | undefined
    /** Every user of app.redis reports failures here: one warning per outage, one info line when it ends. */
    redisOutage: OutageLog
    /** The topology and each node's state, for /readyz (undefined without Redis). */
    redisReport: RedisTopologyReport | undefined
  }
}

/**
 * app.redis when `redis.url`, `redis.cluster` or `redis.sentinel` is set. Commands fail fast while Redis is
 * away so callers can fall back at once; the client keeps reconnecting in the background. Every key gets
 * `redis.keyPrefix`.
 */
export default fp(async (app) => {
  const outage = new OutageLog(app.log, 'redis')
  app.decorate('redisOutage', outage)
  const connected = await connectRedis(app.config.redis)
  app.decorate<RedisClient | undefined>('redis', connected?.client)
  app.decorate('redisTopology', connected?.topology)
  app.decorate('redisReport', connected !== undefined ? new RedisTopologyReport(connected.client, connected.topology, app.config.redis) : undefined)
  if (connected === undefined) return
  const redis = connected.client
  redis.on('error', (err: Error) => {
    outage.noteCause(err)
    outage.failed('connection', err)
  })
  // A Cluster reports a lost node here; the commands routed to it report the outage itself.
  redis.on('node error', (err: Error, address: string) => { outage.noteCause(new Error(`${address}: ${err.message}`)) })
  redis.on('-node', (node: { options: { host?: string, port?: number } }) => {
    outage.noteCause(new Error(`lost the connection to cluster node ${node.options.host ?? ''}:${node.options.port ?? ''}`))
  })
  redis.on('ready', () => { outage.ok() })
  app.addHook('onClose', async () => { redis.disconnect() })
  // Start serving once connected, or after a short wait: Redis is never required to serve.
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => { resolve(false) }, READY_WAIT_MS)
    timer.unref()
    redis.once('ready', () => { clearTimeout(timer); resolve(true) })
  })
  // Keys made by an earlier version must work from the first request; budgets may follow a moment later.
  const migrate = async (): Promise<void> => {
    try {
      const keys = await migrateAdminKeys(redis)
      if (keys > 0) app.log.info({ keys }, 'admin keys moved to the per-key layout')
    } catch (err) {
      app.log.warn({ err }, 'admin keys not moved yet: retried when Redis is back')
      redis.once('ready', () => { void migrate() })
      return
    }
    void migrateCounters(redis, connected.topology, app.config.redis.keyPrefix).then((counters) => {
      if (counters > 0) app.log.info({ counters }, 'budget counters moved to owner-tagged names')
    }, (err: unknown) => { app.log.warn({ err }, 'budget counters not moved yet: retried at the next start') })
  }
  if (ready) await migrate()
  else redis.once('ready', () => { void migrate() })
}, { name: 'redis', dependencies: ['config'], fastify: '5.x' })
