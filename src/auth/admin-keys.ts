// Where keys made through the admin API live: Redis when configured (every replica sees them), else this process.
import type { RedisClient } from '../redis/connect.js'
import type { KeyRecord } from './key-record.js'

export interface AdminKeyBackend {
  readonly shared: boolean
  byHash: (hash: string) => Promise<KeyRecord | undefined>
  byId: (id: string) => Promise<KeyRecord | undefined>
  list: () => Promise<KeyRecord[]>
  /** false when the id is taken. */
  add: (record: KeyRecord) => Promise<boolean>
  /** Replaces the key's record by `change(current)` atomically (its hash kept); undefined when no key has that id. */
  update: (id: string, change: (current: KeyRecord) => KeyRecord) => Promise<KeyRecord | undefined>
  /** The removed key's hash, or undefined when no key has that id. */
  remove: (id: string) => Promise<string | undefined>
}

export class MemoryAdminKeys implements AdminKeyBackend {
  readonly shared = false
  private readonly records = new Map<string, KeyRecord>()

  async byHash (hash: string) { return [...this.records.values()].find((r) => r.hash === hash) }
  async byId (id: string) { return this.records.get(id) }
  async list () { return [...this.records.values()] }
  async add (record: KeyRecord) {
    if (this.records.has(record.id)) return false
    this.records.set(record.id, record)
    return true
  }

  async update (id: string, change: (current: KeyRecord) => KeyRecord) {
    const current = this.records.get(id)
    if (current === undefined) return undefined
    const next = { ...change(current), hash: current.hash }
    this.records.set(id, next)
    return next
  }

  async remove (id: string) {
    const record = this.records.get(id)
    this.records.delete(id)
    return record?.hash
  }
}

// One record per key, tagged by its id (`auth:key:{id}`), an index from the secret's hash to the id
// (`auth:key-hash:{hash}`) and a set of ids for listing: every command touches one key, so the layout works
// the same on one server and on a Redis Cluster, and keys spread over its slots.
export const recordKey = (id: string): string => `auth:key:{${id}}`
export const hashIndexKey = (hash: string): string => `auth:key-hash:{${hash}}`
export const KEY_IDS = 'auth:key-id-set'

// Writes only if the record is still the one the change was computed from (another replica may be patching it).
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`

const MAX_ATTEMPTS = 10

export class RedisAdminKeys implements AdminKeyBackend {
  readonly shared = true
  constructor (private readonly redis: RedisClient) {}

  async byHash (hash: string) {
    const id = await this.redis.get(hashIndexKey(hash))
    if (id === null) return undefined
    const record = await this.byId(id)
    // An index entry left behind by a removal that did not finish points at nothing, or at another key.
    return record?.hash === hash ? record : undefined
  }

  async byId (id: string) {
    const json = await this.redis.get(recordKey(id))
    return json === null ? undefined : JSON.parse(json) as KeyRecord
  }

  async update (id: string, change: (current: KeyRecord) => KeyRecord) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const json = await this.redis.get(recordKey(id))
      if (json === null) return undefined
      const current = JSON.parse(json) as KeyRecord
      const next = { ...change(current), hash: current.hash }
      if (await this.redis.eval(COMPARE_AND_SET, 1, recordKey(id), json, JSON.stringify(next)) === 1) return next
    }
    throw new Error(`key '${id}' kept changing during ${MAX_ATTEMPTS} attempts to update it`)
  }

  async list () {
    const ids = (await this.redis.smembers(KEY_IDS)).sort()
    const records = await Promise.all(ids.map(async (id) => await this.byId(id)))
    return records.filter((r): r is KeyRecord => r !== undefined)
  }

  async add (record: KeyRecord) {
    // Listed first: a key that exists is always listed. Usable once its hash is indexed, the last step.
    await this.redis.sadd(KEY_IDS, record.id)
    if (await this.redis.set(recordKey(record.id), JSON.stringify(record), 'NX') !== 'OK') return false
    await this.redis.set(hashIndexKey(record.hash), record.id)
    return true
  }

  async remove (id: string) {
    const record = await this.byId(id)
    if (record === undefined) return undefined
    // The record goes first: from then on the key is refused on every replica, whatever happens next.
    if (await this.redis.del(recordKey(id)) === 0) return undefined
    await this.redis.del(hashIndexKey(record.hash))
    await this.redis.srem(KEY_IDS, id)
    return record.hash
  }
}
