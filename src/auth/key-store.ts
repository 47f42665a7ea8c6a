// Every key the gateway accepts: the config file's (fixed) and the admin API's (Redis or memory).
// Admin keys are looked up by hash and remembered for at most `freshMs` (1 s), so a revocation on any
// replica takes effect everywhere within a second; expiry is checked on every request.
import { LRUCache } from 'lru-cache'
import type { KeyConfig } from '../config/schema.js'
import { UpstreamUnavailableError } from '../errors/gateway-error.js'
import { withTimeout, type OutageReporter } from '../redis-outage.js'
import type { AdminKeyBackend } from './admin-keys.js'
import { ConflictError } from './errors.js'
import { generateKey, generateKeyId } from './generate-key.js'
import { hashKey, sameHash } from './key-hash.js'
import { DEFAULT_TEAM, KEY_FIELDS, policyOf, recordFromConfig, type KeyPolicy, type KeyRecord } from './key-record.js'
import { applyPatch, type Patch } from './policy-patch.js'
import { LOOKUP_TIMEOUT_MS, storeCall } from './store-call.js'

export interface KeyStoreOptions {
  freshMs?: number
  outage: OutageReporter
}

export class KeyStore {
  private readonly configKeys: Map<string, KeyRecord>
  private readonly seen = new LRUCache<string, { record: KeyRecord, at: number }>({ max: 10_000 })
  private readonly freshMs: number
  private readonly outage: OutageReporter

  constructor (configKeys: readonly KeyConfig[], private readonly admin: AdminKeyBackend, options: KeyStoreOptions) {
    this.configKeys = new Map(configKeys.map((key) => { const record = recordFromConfig(key); return [record.hash, record] }))
    this.freshMs = options.freshMs ?? 1_000
    this.outage = options.outage
  }

  get size (): number { return this.configKeys.size }

  /** The key's record, or undefined when no key matches (expiry is the caller's check). */
  async lookup (presented: string): Promise<KeyRecord | undefined> {
    const hash = hashKey(presented)
    const fromConfig = this.configKeys.get(hash)
    if (fromConfig !== undefined) return sameHash(fromConfig.hash, hash) ? fromConfig : undefined
    const cached = this.seen.get(hash)
    if (cached !== undefined && Date.now() - cached.at < this.freshMs) return cached.record
    let record: KeyRecord | undefined
    try {
      record = await withTimeout(this.admin.byHash(hash), LOOKUP_TIMEOUT_MS)
      this.outage.ok()
    } catch (err) {
      this.outage.failed('key lookup', err)
      // A key seen before the outage keeps working; one never seen cannot be checked.
      if (cached !== undefined) return cached.record
      throw new UpstreamUnavailableError('The key store is unavailable; retry shortly', { code: 'auth_unavailable', failure: 'gateway_internal' })
    }
    if (record === undefined || !sameHash(record.hash, hash)) {
      this.seen.delete(hash)
      return undefined
    }
    this.seen.set(hash, { record, at: Date.now() })
    return record
  }

  /** Creates an admin key; the secret is returned here and nowhere else. */
  async create (input: Omit<KeyPolicy, 'id'> & { id?: string | undefined }): Promise<{ record: KeyRecord, key: string }> {
    const id = input.id ?? generateKeyId()
    if (this.isConfigId(id)) throw new ConflictError(`A key with id '${id}' is defined in the config file`, { code: 'key_exists', param: 'id' })
    const key = generateKey()
    const record: KeyRecord = { ...policyOf({ ...input, id }), hash: hashKey(key), source: 'admin', createdAt: new Date().toISOString() }
    if (!await this.adminCall(this.admin.add(record))) throw new ConflictError(`A key with id '${id}' exists`, { code: 'key_exists', param: 'id' })
    return { record, key }
  }

  async list (): Promise<KeyRecord[]> {
    return [...this.configKeys.values(), ...await this.adminCall(this.admin.list())]
  }

  /** The current record, read from the store (admin API; no cache). */
  async get (id: string): Promise<KeyRecord | undefined> {
    return this.configById(id) ?? await this.adminCall(this.admin.byId(id))
  }

  /** Changes an admin key's policy in place: same secret, same hash; `team: null` means the default team. */
  async update (id: string, patch: Patch<Omit<KeyPolicy, 'id'>>): Promise<KeyRecord | 'config' | 'unknown'> {
    if (this.isConfigId(id)) return 'config'
    const change: Patch<Omit<KeyPolicy, 'id'>> = patch.team === null ? { ...patch, team: DEFAULT_TEAM } : patch
    const record = await this.adminCall(this.admin.update(id, (current) => applyPatch(current, change, KEY_FIELDS)))
    if (record === undefined) return 'unknown'
    // This replica sees the change at once, the others within freshMs.
    this.seen.delete(record.hash)
    return record
  }

  async revoke (id: string): Promise<'deleted' | 'config' | 'unknown'> {
    if (this.isConfigId(id)) return 'config'
    const hash = await this.adminCall(this.admin.remove(id))
    if (hash === undefined) return 'unknown'
    this.seen.delete(hash)
    return 'deleted'
  }

  private configById (id: string): KeyRecord | undefined {
    return [...this.configKeys.values()].find((record) => record.id === id)
  }

  private isConfigId (id: string): boolean {
    return this.configById(id) !== undefined
  }

  private async adminCall<T> (call: Promise<T>): Promise<T> {
    return await storeCall(call, 'key')
  }
}
