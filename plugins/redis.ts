import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'

const READY_WAIT_MS = 2_000

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | undefined
  }
}

/**
 * app.redis when `redis.url` is set. Commands fail fast while Redis is away (no offline queue) so callers
 * can fall back at once; the client keeps reconnecting in the background. Every key gets `redis.keyPrefix`.
 */
export default fp(async (app) => {
  const { url, keyPrefix } = app.config.redis
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
  let reported = false
  redis.on('error', (err: Error) => {
    if (!reported) app.log.warn({ err: err.message }, 'redis connection error')
    reported = true
  })
  redis.on('ready', () => {
    if (reported) app.log.info('redis connection restored')
    reported = false
  })
  app.decorate('redis', redis)
  app.addHook('onClose', async () => { redis.disconnect() })
  // Start serving once connected, or after a short wait: Redis is never required to serve.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, READY_WAIT_MS)
    timer.unref()
    redis.once('ready', () => { clearTimeout(timer); resolve() })
  })
}, { name: 'redis', dependencies: ['config'], fastify: '5.x' })
