// Where keys made through the admin API live: Redis when configured (every replica sees them), else this process.
import type { Redis } from 'ioredis'
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

// Two hashes: `auth:keys` maps a key's hash to its JSON record, `auth:key-ids` maps an id to the hash.
const BY_HASH = 'auth:keys'
const BY_ID = 'auth:key-ids'

const ADD = `
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1`

const BY_ID_JSON = `
local hash = redis.call('HGET', KEYS[2], ARGV[1])
if not hash then return false end
return redis.call('HGET', KEYS[1], hash)`

// Writes only if the record is still the one the change was computed from (another replica may be patching it).
const COMPARE_AND_SET = `
local hash = redis.call('HGET', KEYS[2], ARGV[1])
if not hash or redis.call('HGET', KEYS[1], hash) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], hash, ARGV[3])
return 1`

const MAX_ATTEMPTS = 10

const REMOVE = `
local hash = redis.call('HGET', KEYS[2], ARGV[1])
if not hash then return false end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], hash)
return hash`

export class RedisAdminKeys implements AdminKeyBackend {
  readonly shared = true
  constructor (private readonly redis: Redis) {}

  async byHash (hash: string) {
    const json = await this.redis.hget(BY_HASH, hash)
    return json === null ? undefined : JSON.parse(json) as KeyRecord
  }

  async byId (id: string) {
    const json = await this.redis.eval(BY_ID_JSON, 2, BY_HASH, BY_ID, id) as string | null
    return json === null ? undefined : JSON.parse(json) as KeyRecord
  }

  async update (id: string, change: (current: KeyRecord) => KeyRecord) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const json = await this.redis.eval(BY_ID_JSON, 2, BY_HASH, BY_ID, id) as string | null
      if (json === null) return undefined
      const current = JSON.parse(json) as KeyRecord
      const next = { ...change(current), hash: current.hash }
      if (await this.redis.eval(COMPARE_AND_SET, 2, BY_HASH, BY_ID, id, json, JSON.stringify(next)) === 1) return next
    }
    throw new Error(`key '${id}' kept changing during ${MAX_ATTEMPTS} attempts to update it`)
  }

  async list () {
    return (await this.redis.hvals(BY_HASH)).map((json) => JSON.parse(json) as KeyRecord)
  }

  async add (record: KeyRecord) {
    return await this.redis.eval(ADD, 2, BY_HASH, BY_ID, record.id, record.hash, JSON.stringify(record)) === 1
  }

  async remove (id: string) {
    const hash = await this.redis.eval(REMOVE, 2, BY_HASH, BY_ID, id) as string | null
    return hash ?? undefined
  }
}
