// One gateway key as the gateway knows it: its policy and the hash of the secret, never the secret itself.
import type { BudgetConfig, KeyConfig } from '../config/schema.js'
import { hashKey } from './key-hash.js'

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

/** Only the policy fields, dropping anything else (a config `key`, a request body's extras). */
export function policyOf (input: KeyPolicy): KeyPolicy {
  const policy: KeyPolicy = { id: input.id, team: input.team }
  if (input.models !== undefined) policy.models = [...input.models]
  if (input.rpm !== undefined) policy.rpm = input.rpm
  if (input.tpm !== undefined) policy.tpm = input.tpm
  if (input.expiresAt !== undefined) policy.expiresAt = input.expiresAt
  if (input.budget !== undefined) policy.budget = structuredClone(input.budget)
  return policy
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
