import fp from 'fastify-plugin'
import { durationMs } from '../src/config/duration.js'
import { CachedEmbedder } from '../src/embeddings/cached-embedder.js'
import { EmbeddingCache } from '../src/embeddings/embedding-cache.js'
import { MemoryVectorStore } from '../src/embeddings/memory-store.js'
import { RedisVectorStore } from '../src/embeddings/redis-store.js'
import { OutageLog } from '../src/redis-outage.js'

declare module 'fastify' {
  interface FastifyInstance {
    embeddingCache: EmbeddingCache | undefined
    cachedEmbedder: CachedEmbedder
  }
}

/** The embedding cache over Redis (with an in-process tier in front) when configured, else in process only; both bounded in bytes. */
export default fp(async (app) => {
  const settings = app.config.cache.embeddings
  let cache: EmbeddingCache | undefined
  if (settings.enabled) {
    const ttlMs = durationMs(settings.ttl)
    const store = app.redis !== undefined ? new RedisVectorStore(app.redis, ttlMs, { clusterKeyPrefix: app.redisTopology === 'cluster' ? app.config.redis.keyPrefix : undefined }) : new MemoryVectorStore(settings.maxBytes)
    cache = new EmbeddingCache(store, {
      ttlMs,
      timeoutMs: durationMs(settings.timeout ?? '50ms'),
      outage: app.redis !== undefined ? app.redisOutage : new OutageLog(app.log, 'embedding cache store')
    })
  }
  app.decorate('embeddingCache', cache)
  // With Redis, a smaller tier in front of it (hits skip Redis and the encoding): every replica holds one.
  const tierBytes = app.redis !== undefined ? settings.localMaxBytes ?? 32 * 1024 * 1024 : settings.maxBytes
  app.decorate('cachedEmbedder', new CachedEmbedder(cache, tierBytes))
}, { name: 'embedding-cache', dependencies: ['config', 'redis'], fastify: '5.x' })
