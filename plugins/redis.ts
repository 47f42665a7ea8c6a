import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { OutageLog } from '../src/redis-outage.js'

const READY_WAIT_MS = 2_000

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | undefined
    /** Every user of app.redis reports failures here: one warning per outage, one info line when it ends. */
    redisOutage: OutageLog
  }
}

/**
 * app.redis when `redis.url` is set. Commands fail fast while Redis is away (no offline queue) so callers
 * can fall back at once; the client keeps reconnecting in the background. Every key gets `redis.keyPrefix`.
 */
export default fp(async (app) => {
  const { url, keyPrefix } = app.config.redis
  const outage = new OutageLog(app.log, 'redis')
  app.decorate('redisOutage', outage)
  if (url === undefined) {
    app.decorate('redis', undefined)
    return
  }
  // Loaded only here: ioredis is the largest dependency (~10 MB of resident memory) and most deployments run without Redis.
  const { Redis: RedisClient } = await import('ioredis')
  const redis = new RedisClient(url, {
    keyPrefix,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000)
  })
  redis.on('error', (err: Error) => {
    outage.noteCause(err)
    outage.failed('connection', err)
  })
  redis.on('ready', () => { outage.ok() })
  app.decorate('redis', redis)
  app.addHook('onClose', async () => { redis.disconnect() })
  // Start serving once connected, or after a short wait: Redis is never required to serve.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, READY_WAIT_MS)
    timer.unref()
    redis.once('ready', () => { clearTimeout(timer); resolve() })
  })
}, { name: 'redis', dependencies: ['config'], fastify: '5.x' })
