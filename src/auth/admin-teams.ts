// Where teams made through the admin API live: Redis when configured (every replica sees them), else this process.
import type { RedisClient } from '../redis/connect.js'
import type { TeamRecord } from './team-record.js'

export interface AdminTeamBackend {
  get: (id: string) => Promise<TeamRecord | undefined>
  list: () => Promise<TeamRecord[]>
  /** false when the id is taken. */
  add: (record: TeamRecord) => Promise<boolean>
  /** Replaces the team by `change(current)` atomically; undefined when no team has that id. */
  update: (id: string, change: (current: TeamRecord) => TeamRecord) => Promise<TeamRecord | undefined>
  /** false when no team has that id. */
  remove: (id: string) => Promise<boolean>
}

export class MemoryAdminTeams implements AdminTeamBackend {
  private readonly records = new Map<string, TeamRecord>()

  async get (id: string) { return this.records.get(id) }
  async list () { return [...this.records.values()] }
  async add (record: TeamRecord) {
    if (this.records.has(record.id)) return false
    this.records.set(record.id, record)
    return true
  }

  async update (id: string, change: (current: TeamRecord) => TeamRecord) {
    const current = this.records.get(id)
    if (current === undefined) return undefined
    const next = change(current)
    this.records.set(id, next)
    return next
  }

  async remove (id: string) { return this.records.delete(id) }
}

// One JSON value per team, its id as the hash tag so that every single-team command stays in one slot;
// `auth:team-ids` (a set) only serves the list and may name a team that a crash left half-deleted.
const teamKey = (id: string) => `auth:teams:{${id}}`
const IDS = 'auth:team-ids'
const MAX_ATTEMPTS = 10

// Writes only if the value is still the one the change was computed from (another replica may be patching it).
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`

export class RedisAdminTeams implements AdminTeamBackend {
  constructor (private readonly redis: RedisClient) {}

  async get (id: string) {
    const json = await this.redis.get(teamKey(id))
    return json === null ? undefined : JSON.parse(json) as TeamRecord
  }

  async list () {
    const ids = (await this.redis.smembers(IDS)).sort()
    const records = await Promise.all(ids.map(async (id) => await this.get(id)))
    return records.filter((r): r is TeamRecord => r !== undefined)
  }

  async add (record: TeamRecord) {
    // Indexed first: a team that exists is always listed.
    await this.redis.sadd(IDS, record.id)
    return await this.redis.set(teamKey(record.id), JSON.stringify(record), 'NX') === 'OK'
  }

  async update (id: string, change: (current: TeamRecord) => TeamRecord) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const json = await this.redis.get(teamKey(id))
      if (json === null) return undefined
      const next = change(JSON.parse(json) as TeamRecord)
      if (await this.redis.eval(COMPARE_AND_SET, 1, teamKey(id), json, JSON.stringify(next)) === 1) return next
    }
    throw new Error(`team '${id}' kept changing during ${MAX_ATTEMPTS} attempts to update it`)
  }

  async remove (id: string) {
    const removed = await this.redis.del(teamKey(id)) === 1
    await this.redis.srem(IDS, id)
    return removed
  }
}
