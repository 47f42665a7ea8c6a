// One gateway key as the gateway knows it: its policy and the hash of the secret, never the secret itself.
import type { BudgetConfig, KeyConfig } from '../config/schema.js'
import { hashKey } from './key-hash.js'
import { applyPatch } from './policy-patch.js'

export interface KeyPolicy {
  id: string
  team: string
  models?: string[]
  rpm?: number
  tpm?: number
  expiresAt?: string
  budget?: BudgetConfig
}

export interface KeyRecord extends KeyPolicy {
  hash: string
  source: 'config' | 'admin'
  createdAt?: string
}

/** What the admin API shows of a key: every policy field (null when unset), never the key or its hash. */
export interface KeyView {
  id: string
  team: string
  models: string[] | null
  rpm: number | null
  tpm: number | null
  expiresAt: string | null
  budget: BudgetConfig | null
  createdAt: string | null
}

export const DEFAULT_TEAM = 'default'

export function recordFromConfig (key: KeyConfig): KeyRecord {
  const hash = key.keyHash ?? hashKey(key.key as string)
  return { ...policyOf({ ...key, team: key.team ?? DEFAULT_TEAM }), hash, source: 'config' }
}

/** The fields of a key's policy that the admin API may change. */
export const KEY_FIELDS = ['team', 'models', 'rpm', 'tpm', 'expiresAt', 'budget'] as const

/** Only the policy fields (copies), dropping anything else (a config `key`, a request body's extras). */
export function policyOf (input: KeyPolicy): KeyPolicy {
  return applyPatch<Omit<KeyPolicy, 'id'>, KeyPolicy>({ id: input.id, team: input.team }, input, KEY_FIELDS)
}

export function viewOf (record: KeyRecord): KeyView {
  return {
    id: record.id,
    team: record.team,
    models: record.models ?? null,
    rpm: record.rpm ?? null,
    tpm: record.tpm ?? null,
    expiresAt: record.expiresAt ?? null,
    budget: record.budget ?? null,
    createdAt: record.createdAt ?? null
  }
}

export function isExpired (record: KeyPolicy, now = Date.now()): boolean {
  return record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now
}
