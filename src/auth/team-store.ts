// Every team the gateway knows: the config file's (fixed) and the admin API's (Redis or memory).
// Lookups are remembered for at most `freshMs` (1 s), so a change on any replica reaches every replica within
// a second. A team is optional: a key whose team has no record just carries the team's name as a label.
import { LRUCache } from 'lru-cache'
import type { TeamConfig } from '../config/schema.js'
import { withTimeout, type OutageReporter } from '../redis-outage.js'
import type { AdminTeamBackend } from './admin-teams.js'
import { ConflictError } from './errors.js'
import { applyPatch, type Patch } from './policy-patch.js'
import { LOOKUP_TIMEOUT_MS, storeCall } from './store-call.js'
import { TEAM_FIELDS, teamFromConfig, teamPolicyOf, type TeamPolicy, type TeamRecord } from './team-record.js'

export interface TeamStoreOptions {
  freshMs?: number
  outage: OutageReporter
}

export class TeamStore {
  private readonly configTeams: Map<string, TeamRecord>
  // Absent teams are remembered too: most keys name a team that has no record.
  private readonly seen = new LRUCache<string, { record: TeamRecord | null, at: number }>({ max: 10_000 })
  private readonly freshMs: number
  private readonly outage: OutageReporter

  constructor (configTeams: readonly TeamConfig[], private readonly admin: AdminTeamBackend, options: TeamStoreOptions) {
    this.configTeams = new Map(configTeams.map((team) => [team.id, teamFromConfig(team)]))
    this.freshMs = options.freshMs ?? 1_000
    this.outage = options.outage
  }

  /**
   * The team's record for a request, undefined when the team has none. Redis trouble fails open: the last
   * record seen keeps applying, and a team never seen by this process applies no team limits until Redis is back.
   */
  async lookup (id: string): Promise<TeamRecord | undefined> {
    const fromConfig = this.configTeams.get(id)
    if (fromConfig !== undefined) return fromConfig
    const cached = this.seen.get(id)
    if (cached !== undefined && Date.now() - cached.at < this.freshMs) return cached.record ?? undefined
    try {
      const record = await withTimeout(this.admin.get(id), LOOKUP_TIMEOUT_MS)
      this.outage.ok()
      this.seen.set(id, { record: record ?? null, at: Date.now() })
      return record
    } catch (err) {
      this.outage.failed('team lookup', err)
      return cached?.record ?? undefined
    }
  }

  /** The current record, read from the store (admin API; no cache). */
  async get (id: string): Promise<TeamRecord | undefined> {
    return this.configTeams.get(id) ?? await storeCall(this.admin.get(id), 'team')
  }

  async list (): Promise<TeamRecord[]> {
    return [...this.configTeams.values(), ...await storeCall(this.admin.list(), 'team')]
  }

  async create (input: TeamPolicy): Promise<TeamRecord> {
    const conflict = () => new ConflictError(`A team with id '${input.id}' exists${this.configTeams.has(input.id) ? ' in the config file' : ''}`, { code: 'team_exists', param: 'id' })
    if (this.configTeams.has(input.id)) throw conflict()
    const record: TeamRecord = { ...teamPolicyOf(input), source: 'admin', createdAt: new Date().toISOString() }
    if (!await storeCall(this.admin.add(record), 'team')) throw conflict()
    this.seen.delete(record.id)
    return record
  }

  async update (id: string, patch: Patch<Omit<TeamPolicy, 'id'>>): Promise<TeamRecord | 'config' | 'unknown'> {
    if (this.configTeams.has(id)) return 'config'
    const record = await storeCall(this.admin.update(id, (current) => applyPatch(current, patch, TEAM_FIELDS)), 'team')
    // This replica sees the change at once, the others within freshMs.
    this.seen.delete(id)
    return record ?? 'unknown'
  }

  async delete (id: string): Promise<'deleted' | 'config' | 'unknown'> {
    if (this.configTeams.has(id)) return 'config'
    const removed = await storeCall(this.admin.remove(id), 'team')
    this.seen.delete(id)
    return removed ? 'deleted' : 'unknown'
  }
}
