// Redis store shared by every replica: one pipeline per lookup (MGET, and PTTL of each key so an
// in-process copy expires with the Redis entry), one pipeline for the writes.
// Keys carry the configured prefix through ioredis' keyPrefix option.
import type { Redis } from 'ioredis'
import type { StoredVector, VectorStore } from './store.js'

export class RedisVectorStore implements VectorStore {
  readonly kind = 'redis' as const

  constructor (private readonly redis: Redis, private readonly defaultTtlMs: number) {}

  async getMany (keys: string[]): Promise<Array<StoredVector | null>> {
    if (keys.length === 0) return []
    const now = Date.now()
    const pipeline = this.redis.pipeline().mgetBuffer(...keys)
    for (const key of keys) pipeline.pttl(key)
    const results = firstErrorThrown(await pipeline.exec())
    const values = (results[0]?.[1] ?? []) as Array<Buffer | null>
    return keys.map((_key, i) => {
      const bytes = values[i] ?? null
      const ttl = results[i + 1]?.[1] as number
      // -2: gone between the two reads; -1: no expiry (written by hand): kept no longer than the configured TTL.
      if (bytes === null || ttl === -2) return null
      return { bytes, expiresAt: now + (ttl < 0 ? this.defaultTtlMs : ttl) }
    })
  }

  async setMany (entries: Array<[string, Buffer]>, ttlMs: number): Promise<void> {
    if (entries.length === 0) return
    const pipeline = this.redis.pipeline()
    for (const [key, value] of entries) pipeline.set(key, value, 'PX', ttlMs)
    firstErrorThrown(await pipeline.exec())
  }
}

type PipelineResults = Array<[Error | null, unknown]>

function firstErrorThrown (results: PipelineResults | null): PipelineResults {
  const failed = results?.find(([err]) => err !== null)
  if (failed !== undefined) throw failed[0] instanceof Error ? failed[0] : new Error(String(failed[0]))
  return results ?? []
}
