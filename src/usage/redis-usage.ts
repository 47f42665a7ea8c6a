// Usage buckets as Redis hashes `usage:<hour>`, incremented with HINCRBY and expiring `retention` after the hour.
// Each hour's commands go in a pipeline of their own, and reads are single-key commands: a Redis Cluster client
// sends a pipeline to one node, and different hours may live on different nodes.
import type { RedisClient } from '../redis/connect.js'
import { HOUR_MS, type HourlyCounts, type UsageStore } from './usage-store.js'

export class RedisUsage implements UsageStore {
  constructor (private readonly redis: RedisClient, private readonly retentionMs: number) {}

  async add (counts: HourlyCounts): Promise<void> {
    await Promise.all([...counts].map(async ([hour, fields]) => {
      const key = `usage:${hour}`
      const pipeline = this.redis.pipeline()
      for (const [field, n] of fields) pipeline.hincrby(key, field, n)
      pipeline.pexpireat(key, Date.parse(hour) + HOUR_MS + this.retentionMs)
      const results = await pipeline.exec()
      const failed = results?.find(([err]) => err !== null)?.[0]
      if (failed !== undefined && failed !== null) throw failed
    }))
  }

  async read (hours: string[]): Promise<HourlyCounts> {
    const buckets = await Promise.all(hours.map(async (hour) => await this.redis.hgetall(`usage:${hour}`)))
    const out: HourlyCounts = new Map()
    buckets.forEach((bucket, i) => {
      const entries = Object.entries(bucket)
      if (entries.length > 0) out.set(hours[i] as string, new Map(entries.map(([field, n]) => [field, Number(n)])))
    })
    return out
  }
}
