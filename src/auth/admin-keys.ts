// Where keys made through the admin API live: Redis when configured (every replica sees them), else this process.
import type { Redis } from 'ioredis'
import type { KeyRecord } from './key-record.js'

export interface AdminKeyBackend {
  readonly shared: boolean
  byHash: (hash: string) => Promise<KeyRecord | undefined>
  list: () => Promise<KeyRecord[]>
  /** false when the id is taken. */
  add: (record: KeyRecord) => Promise<boolean>
  /** The removed key's hash, or undefined when no key has that id. */
  remove: (id: string) => Promise<string | undefined>
}

export class MemoryAdminKeys implements AdminKeyBackend {
  readonly shared = false
  private readonly records = new Map<string, KeyRecord>()

  async byHash (hash: string) { return [...this.records.values()].find((r) => r.hash === hash) }
  async list () { return [...this.records.values()] }
  async add (record: KeyRecord) {
    if (this.records.has(record.id)) return false
    this.records.set(record.id, record)
    return true
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
