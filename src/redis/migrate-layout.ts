// Data written by earlier versions moves to the slot-tagged layout at start. Each step is idempotent and safe
// with several replicas starting at once. A Cluster never held the old layout (it could not run there).
import { hashIndexKey, KEY_IDS, recordKey } from '../auth/admin-keys.js'
import type { KeyRecord } from '../auth/key-record.js'
import { counterName } from '../limits/checks.js'
import type { RedisClient, Topology } from './connect.js'

const OLD_KEYS_BY_HASH = 'auth:keys'
const OLD_KEY_IDS = 'auth:key-ids'
const COUNTERS_DONE = 'migrations:limits-tagged'
// limits:budget:alice:2026-12 and limits:team:spend:ops:2026-12-07: budgets outlive a restart; per-minute
// counters are left to expire.
const OLD_BUDGET = /^limits:(team:)?(budget|spend):([^:]+):([0-9-]+)$/

// Adds the old counter to the new one (a replica may already have charged it) and removes the old one.
const MERGE = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('INCRBY', KEYS[2], v)
if ttl > 0 and redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
redis.call('DEL', KEYS[1])
return 1`

/** Admin keys from the two shared hashes to a record per key; returns how many moved. */
export async function migrateAdminKeys (redis: RedisClient): Promise<number> {
  const old = await redis.hvals(OLD_KEYS_BY_HASH)
  for (const json of old) {
    const record = JSON.parse(json) as KeyRecord
    await redis.sadd(KEY_IDS, record.id)
    if (await redis.set(recordKey(record.id), json, 'NX') === 'OK') await redis.set(hashIndexKey(record.hash), record.id)
  }
  if (old.length > 0) await redis.del(OLD_KEYS_BY_HASH, OLD_KEY_IDS)
  return old.length
}

/** Budget counters to names tagged by their owner; returns how many moved. Scans once per Redis. */
export async function migrateCounters (redis: RedisClient, topology: Topology, keyPrefix: string): Promise<number> {
  if (topology === 'cluster' || await redis.exists(COUNTERS_DONE) === 1) return 0
  let moved = 0
  let cursor = '0'
  do {
    const [next, names] = await redis.scan(cursor, 'MATCH', `${keyPrefix}limits:*`, 'COUNT', 1000)
    cursor = next
    for (const full of names) {
      const match = OLD_BUDGET.exec(full.slice(keyPrefix.length))
      if (match === null) continue
      const [, team, what, id, period] = match as unknown as [string, string | undefined, 'budget' | 'spend', string, string]
      const target = `${counterName({ scope: team !== undefined ? 'team' : 'key', id }, what)}:${period}`
      moved += Number(await redis.eval(MERGE, 2, full.slice(keyPrefix.length), target))
    }
  } while (cursor !== '0')
  await redis.set(COUNTERS_DONE, new Date().toISOString())
  return moved
}
