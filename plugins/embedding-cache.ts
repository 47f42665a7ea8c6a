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

/** The embedding cache over Redis when configured, else an in-process LRU bounded in bytes. */
export default fp(async (app) => {
  const settings = app.config.cache.embeddings
  let cache: EmbeddingCache | undefined
  if (settings.enabled) {
    const store = app.redis !== undefined ? new RedisVectorStore(app.redis) : new MemoryVectorStore(settings.maxBytes)
    cache = new EmbeddingCache(store, {
      ttlMs: durationMs(settings.ttl),
      timeoutMs: durationMs(settings.timeout ?? '50ms'),
      outage: app.redis !== undefined ? app.redisOutage : new OutageLog(app.log, 'embedding cache store')
    })
  }
  app.decorate('embeddingCache', cache)
  app.decorate('cachedEmbedder', new CachedEmbedder(cache))
}, { name: 'embedding-cache', dependencies: ['config', 'redis'], fastify: '5.x' })
