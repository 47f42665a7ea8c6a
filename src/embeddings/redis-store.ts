// Redis store shared by every replica: per lookup one MGET (and a PTTL of each key, so an in-process copy
// expires with the Redis entry), and one SET per entry, all sent in one pipelined write per node.
// On a Cluster an MGET may only name keys of one slot, so a lookup sends one MGET per slot; the client's
// auto-pipelining still sends each node's commands in one round trip.
// Keys carry the configured prefix through ioredis' keyPrefix option.
import type { RedisClient } from '../redis/connect.js'
import { groupBySlot } from '../redis/slots.js'
import type { StoredVector, VectorStore } from './store.js'

export interface RedisVectorStoreOptions {
  /** Set on a Cluster: the key prefix, which is part of what decides a key's slot. */
  clusterKeyPrefix?: string | undefined
}

export class RedisVectorStore implements VectorStore {
  readonly kind = 'redis' as const

  constructor (private readonly redis: RedisClient, private readonly defaultTtlMs: number, private readonly options: RedisVectorStoreOptions = {}) {}

  async getMany (keys: string[]): Promise<Array<StoredVector | null>> {
    if (keys.length === 0) return []
    const now = Date.now()
    const prefix = this.options.clusterKeyPrefix
    const groups = prefix === undefined ? [keys] : groupBySlot(keys, (key) => prefix + key)
    const found = new Map<string, Buffer | null>()
    const [values, ttls] = await Promise.all([
      Promise.all(groups.map(async (group) => await this.redis.mgetBuffer(...group))),
      Promise.all(keys.map(async (key) => await this.redis.pttl(key)))
    ])
    groups.forEach((group, g) => { group.forEach((key, i) => { found.set(key, values[g]?.[i] ?? null) }) })
    return keys.map((key, i) => {
      const bytes = found.get(key) ?? null
      const ttl = ttls[i] as number
      // -2: gone between the two reads; -1: no expiry (written by hand): kept no longer than the configured TTL.
      if (bytes === null || ttl === -2) return null
      return { bytes, expiresAt: now + (ttl < 0 ? this.defaultTtlMs : ttl) }
    })
  }

  async setMany (entries: Array<[string, Buffer]>, ttlMs: number): Promise<void> {
    await Promise.all(entries.map(async ([key, value]) => await this.redis.set(key, value, 'PX', ttlMs)))
  }
}
