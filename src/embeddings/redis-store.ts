// Redis store shared by every replica: one MGET per request for the lookups, one pipeline for the writes.
// Keys carry the configured prefix through ioredis' keyPrefix option.
import type { Redis } from 'ioredis'
import type { VectorStore } from './store.js'

export class RedisVectorStore implements VectorStore {
  readonly kind = 'redis' as const

  constructor (private readonly redis: Redis) {}

  async getMany (keys: string[]): Promise<Array<Buffer | null>> {
    if (keys.length === 0) return []
    return await this.redis.mgetBuffer(...keys)
  }

  async setMany (entries: Array<[string, Buffer]>, ttlMs: number): Promise<void> {
    if (entries.length === 0) return
    const pipeline = this.redis.pipeline()
    for (const [key, value] of entries) pipeline.set(key, value, 'PX', ttlMs)
    const results = await pipeline.exec()
    const failed = results?.find(([err]) => err !== null)
    if (failed !== undefined) throw failed[0] instanceof Error ? failed[0] : new Error(String(failed[0]))
  }
}
