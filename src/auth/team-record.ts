// A team: limits, budget and a model list that all its keys share, on top of each key's own.
import type { BudgetConfig, TeamConfig } from '../config/schema.js'
import { applyPatch } from './policy-patch.js'

export interface TeamPolicy {
  id: string
  models?: string[]
  rpm?: number
  tpm?: number
  budget?: BudgetConfig
}

export interface TeamRecord extends TeamPolicy {
  source: 'config' | 'admin'
  createdAt?: string
}

/** What the admin API shows of a team: every policy field, null when unset. */
export interface TeamView {
  id: string
  models: string[] | null
  rpm: number | null
  tpm: number | null
  budget: BudgetConfig | null
  createdAt: string | null
  source: 'config' | 'admin'
}

export const TEAM_FIELDS = ['models', 'rpm', 'tpm', 'budget'] as const

export function teamFromConfig (team: TeamConfig): TeamRecord {
  return { ...teamPolicyOf(team), source: 'config' }
}

/** Only the policy fields (copies), dropping anything else. */
export function teamPolicyOf (input: TeamPolicy): TeamPolicy {
  return applyPatch<Omit<TeamPolicy, 'id'>, TeamPolicy>({ id: input.id }, input, TEAM_FIELDS)
}

export function teamViewOf (record: TeamRecord): TeamView {
  return {
    id: record.id,
    models: record.models ?? null,
    rpm: record.rpm ?? null,
    tpm: record.tpm ?? null,
    budget: record.budget ?? null,
    createdAt: record.createdAt ?? null,
    source: record.source
  }
}
