// Stored responses, for previous_response_id, GET, DELETE and input_items: Redis when configured (every replica
// sees them), else this process. A record holds the whole conversation up to that response (the items it took as
// input, its own output in `response.output`), so continuing one is a single read.
import type { RedisClient } from '../../redis/connect.js'
import { LRUCache } from 'lru-cache'
import type { ResponseItem, ResponseObject } from './types.js'

export interface StoredResponse {
  team: string
  response: ResponseObject
  /** Every input item of the response: the continued response's input and output, then the request's own. */
  input: ResponseItem[]
}

export interface ResponseStore {
  save: (record: StoredResponse) => Promise<void>
  /** undefined when absent, expired, or stored by another team (which must not learn that it exists). */
  get: (id: string, team: string) => Promise<StoredResponse | undefined>
  /** false when there was nothing the team could delete. */
  delete: (id: string, team: string) => Promise<boolean>
}

/** In process: bounded by the size of the stored JSON, least recently used out first. */
export class MemoryResponseStore implements ResponseStore {
  private readonly records: LRUCache<string, string>

  constructor (ttlMs: number, maxChars = 64 * 1024 * 1024) {
    this.records = new LRUCache<string, string>({ ttl: ttlMs, maxSize: maxChars, sizeCalculation: (json) => Math.max(1, json.length) })
  }

  async save (record: StoredResponse) { this.records.set(record.response.id, JSON.stringify(record)) }
  async get (id: string, team: string) { return ownedBy(this.records.get(id) ?? null, team) }
  async delete (id: string, team: string) {
    if (await this.get(id, team) === undefined) return false
    return this.records.delete(id)
  }
}

// One key per response; the id is the hash tag, so a Cluster keeps each record whole in one slot.
const keyOf = (id: string) => `responses:{${id}}`

export class RedisResponseStore implements ResponseStore {
  constructor (private readonly redis: RedisClient, private readonly ttlMs: number) {}

  async save (record: StoredResponse) {
    await this.redis.set(keyOf(record.response.id), JSON.stringify(record), 'PX', this.ttlMs)
  }

  async get (id: string, team: string) { return ownedBy(await this.redis.get(keyOf(id)), team) }

  async delete (id: string, team: string) {
    if (await this.get(id, team) === undefined) return false
    return await this.redis.del(keyOf(id)) === 1
  }
}

function ownedBy (json: string | null, team: string): StoredResponse | undefined {
  if (json === null) return undefined
  const record = JSON.parse(json) as StoredResponse
  return record.team === team ? record : undefined
}
