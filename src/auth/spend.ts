// The current period's spend next to each limit and budget, as the limiter counts it (admin GET of one key or team).
import type { BudgetConfig } from '../config/schema.js'
import { formatNanos } from '../pricing/money.js'
import { storeCall } from './store-call.js'

/** Whose limits: the limiter's owner of counters (src/limits). */
export interface SpendOwner {
  scope: 'key' | 'team'
  id: string
  rpm?: number
  tpm?: number
  budget?: BudgetConfig
}

/** What the limiter reports: requests and tokens in the sliding minute, budget tokens and money (nanos) so far. */
export interface LimitSpend { rpm?: number, tpm?: number, tokens?: number, nanos?: number }

export interface SpendSource {
  spend: (owner: SpendOwner) => Promise<LimitSpend>
}

export interface SpendView {
  period: 'day' | 'month' | null
  tokens: number | null
  amount: string | null
  currency: string
  rpm: number | null
  tpm: number | null
}

/** Null wherever the owner has no such limit (or no limiter is given). */
export async function spendView (source: SpendSource | undefined, owner: SpendOwner, currency: string): Promise<SpendView> {
  const limits: SpendOwner = { scope: owner.scope, id: owner.id }
  if (owner.rpm !== undefined) limits.rpm = owner.rpm
  if (owner.tpm !== undefined) limits.tpm = owner.tpm
  if (owner.budget !== undefined) limits.budget = owner.budget
  const spent = source !== undefined ? await storeCall(source.spend(limits), 'limits') : {}
  return {
    period: owner.budget?.period ?? null,
    tokens: spent.tokens ?? null,
    amount: spent.nanos !== undefined ? formatNanos(spent.nanos) : null,
    currency,
    rpm: spent.rpm ?? null,
    tpm: spent.tpm ?? null
  }
}
