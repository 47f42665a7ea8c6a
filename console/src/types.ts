// Wire shapes of the admin API, as the console reads them (openapi/openapi.yaml is the contract).
export interface Budget { tokens?: number, amount?: number, period: 'day' | 'month', alertAt?: number[] }

export interface Spend {
  period: 'day' | 'month' | null
  tokens: number | null
  amount: string | null
  currency: string
  rpm: number | null
  tpm: number | null
}

export interface Policy {
  team: string
  models: string[] | null
  rpm: number | null
  tpm: number | null
  expiresAt: string | null
  budget: Budget | null
}

export interface KeyView extends Policy {
  id: string
  createdAt: string | null
  source?: 'config' | 'admin'
  spend?: Spend
}

export interface TeamView extends Omit<Policy, 'team' | 'expiresAt'> { id: string, source?: 'config' | 'admin', spend?: Spend }

export type Role = 'master' | 'member'
export interface Me { role: Role, key?: KeyView }

export type UsageRow = Record<string, string | number>
export interface UsageReport { currency: string, totals: Record<string, string | number>, series: UsageRow[] }
