// Usage buckets as Redis hashes `usage:<hour>`, incremented with HINCRBY and expiring `retention` after the hour.
import type { Redis } from 'ioredis'
import { HOUR_MS, type HourlyCounts, type UsageStore } from './usage-store.js'

export class RedisUsage implements UsageStore {
  constructor (private readonly redis: Redis, private readonly retentionMs: number) {}

  async add (counts: HourlyCounts): Promise<void> {
    const pipeline = this.redis.pipeline()
    for (const [hour, fields] of counts) {
      const key = `usage:${hour}`
      for (const [field, n] of fields) pipeline.hincrby(key, field, n)
      pipeline.pexpireat(key, Date.parse(hour) + HOUR_MS + this.retentionMs)
    }
    const results = await pipeline.exec()
    const failed = results?.find(([err]) => err !== null)?.[0]
    if (failed !== undefined && failed !== null) throw failed
  }

  async read (hours: string[]): Promise<HourlyCounts> {
    const pipeline = this.redis.pipeline()
    for (const hour of hours) pipeline.hgetall(`usage:${hour}`)
    const results = await pipeline.exec() ?? []
    const out: HourlyCounts = new Map()
    results.forEach(([err, value], i) => {
      if (err !== null) throw err
      const entries = Object.entries(value as Record<string, string>)
      if (entries.length > 0) out.set(hours[i] as string, new Map(entries.map(([field, n]) => [field, Number(n)])))
    })
    return out
  }
}
