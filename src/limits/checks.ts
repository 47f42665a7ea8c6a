// The counters one admission checks: per owner (the key, then its team) rpm and tpm over sliding minutes,
// and a budget per calendar period in tokens and/or money (nanos).
import type { BudgetConfig } from '../config/schema.js'
import { toNanos } from '../pricing/money.js'
import type { WindowCheck } from './counter-store.js'
import { budgetPeriod, minuteCheck } from './windows.js'

export type Scope = 'key' | 'team'

export interface LimitOwner {
  scope: Scope
  id: string
  rpm?: number
  tpm?: number
  budget?: BudgetConfig
}

/** One budget counter of a request, kept to correct it after the call and to raise its alerts. */
export interface BudgetRef {
  owner: LimitOwner
  unit: 'tokens' | 'amount'
  key: string
  limit: number
  period: 'day' | 'month'
  periodStart: string
  endsAt: number
}

export type Kind = 'requests' | 'tokens' | 'budget'
export type Named = WindowCheck & { kind: Kind, owner: LimitOwner, elapsedMs: number, endsAt: number, budget?: BudgetRef }

export interface Estimate {
  tokens: number
  /** Money the request may cost, in nanos (0 when no owner has a money budget). */
  nanos: number
}

const DAY_MS = 86_400_000

/** `limits:{key:alice}:rpm`: an owner's counters share a hash tag, so one owner's check is one Redis Cluster slot. */
export function counterName (owner: Pick<LimitOwner, 'scope' | 'id'>, what: 'rpm' | 'tpm' | 'budget' | 'spend'): string {
  return `limits:{${owner.scope}:${owner.id}}:${what}`
}

export function checksFor (owners: LimitOwner[], estimate: Estimate, now: number): Named[] {
  const checks: Named[] = []
  const tokens = Math.max(1, Math.ceil(estimate.tokens))
  for (const owner of owners) {
    if (owner.rpm !== undefined) {
      checks.push({ ...minuteCheck(counterName(owner, 'rpm'), now, owner.rpm, 1, 1), kind: 'requests', owner, endsAt: 0 })
    }
    if (owner.tpm !== undefined) {
      // A request larger than the whole limit still passes an empty window, charged in full.
      checks.push({ ...minuteCheck(counterName(owner, 'tpm'), now, owner.tpm, Math.min(tokens, owner.tpm), tokens), kind: 'tokens', owner, endsAt: 0 })
    }
    const budget = owner.budget
    if (budget === undefined) continue
    // A budget admits while anything is left (need 1); the estimate reserves room for concurrent requests.
    if (budget.tokens !== undefined) checks.push(budgetCheck(owner, 'tokens', budget.tokens, tokens, budget.period, now))
    if (budget.amount !== undefined) checks.push(budgetCheck(owner, 'amount', toNanos(budget.amount), Math.max(0, Math.ceil(estimate.nanos)), budget.period, now))
  }
  return checks
}

function budgetCheck (owner: LimitOwner, unit: 'tokens' | 'amount', limit: number, cost: number, period: 'day' | 'month', now: number): Named {
  const { key, endsAt } = budgetPeriod(counterName(owner, unit === 'tokens' ? 'budget' : 'spend'), period, now)
  const budget: BudgetRef = { owner, unit, key, limit, period, periodStart: key.slice(key.lastIndexOf(':') + 1), endsAt }
  return { key, prevKey: key, prevWeight: 0, limit, need: 1, cost, ttlMs: endsAt - now + DAY_MS, kind: 'budget', owner, elapsedMs: 0, endsAt, budget }
}
