// A key's and its team's rpm, tpm and budgets: one atomic check before the call (tokens and money charged from
// an estimate), one correction after it (the real usage replaces the estimate). Redis trouble fails OPEN: the
// request is served without limits and the outage is reported once.
import { RateLimitError } from '../errors/gateway-error.js'
import { formatNanos } from '../pricing/money.js'
import { withTimeout, type OutageReporter } from '../redis-outage.js'
import type { BudgetAlerts } from './budget-alerts.js'
import { checksFor, type BudgetRef, type Estimate, type LimitOwner, type Named } from './checks.js'
import type { CounterStore } from './counter-store.js'
import { formatReset, msUntilFits, used, type WindowState } from './windows.js'

const CHECK_TIMEOUT_MS = 250

/** What was charged, to be corrected once the real usage is known. */
export interface Charge {
  tokens: number
  tokenKeys: string[]
  nanos: number
  moneyKeys: string[]
  budgets: BudgetRef[]
}

export interface Admission {
  headers: Record<string, string>
  charge: Charge | undefined
}

/** The current period's spend per limit of one owner: requests and tokens in the sliding minute, budgets so far. */
export interface Spend { rpm?: number, tpm?: number, tokens?: number, nanos?: number }

export class Limiter {
  constructor (private readonly store: CounterStore, private readonly outage: OutageReporter, private readonly alerts?: BudgetAlerts) {}

  /** Charges the request or throws a 429 RateLimitError (code budget_exceeded for budgets). */
  async admit (owners: LimitOwner[], estimate: Estimate, now = Date.now()): Promise<Admission> {
    const checks = checksFor(owners, estimate, now)
    if (checks.length === 0) return { headers: {}, charge: undefined }
    let result
    try {
      result = await withTimeout(this.store.check(checks), CHECK_TIMEOUT_MS)
      this.outage.ok()
    } catch (err) {
      this.outage.failed('rate limits', err)
      return { headers: {}, charge: undefined }
    }
    const headers = rateHeaders(checks, result.states)
    if (result.allowed) return { headers, charge: chargeOf(checks) }
    const over = checks.filter((c, i) => used(result.states[i] as WindowState, c) + c.need > c.limit)
    const budget = over.find((c) => c.kind === 'budget')?.budget
    if (budget !== undefined) {
      const retry = Math.max(1, Math.ceil((budget.endsAt - now) / 1_000))
      const what = budget.unit === 'amount' ? `budget of ${formatNanos(budget.limit)} ${this.alerts?.currency ?? ''}`.trimEnd() : `token budget of ${budget.limit}`
      throw new RateLimitError(`${budget.owner.scope === 'key' ? 'Key' : 'Team'} '${budget.owner.id}' has used its ${what} for this ${budget.period}`,
        { code: 'budget_exceeded', failure: 'caller_budget_exceeded', headers: { ...headers, 'retry-after': String(retry) } })
    }
    const waitMs = Math.max(...over.map((c) => msUntilFits(result.states[checks.indexOf(c)] as WindowState, c.limit, c.need, c.elapsedMs)))
    const names = over.map((c) => `${c.owner.scope} '${c.owner.id}': ${c.limit} ${c.kind === 'requests' ? 'requests' : 'tokens'}`).join(' and ')
    throw new RateLimitError(`Rate limit reached for ${names} per minute`,
      { failure: 'caller_rate_limited', headers: { ...headers, 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1_000))) } })
  }

  /** Replaces the estimates by the real usage; without a usage, a failed call is refunded, a finished one keeps it. */
  settle (charge: Charge | undefined, actual: { tokens?: number | undefined, nanos?: number | undefined }, failed: boolean): void {
    if (charge === undefined) return
    const delta = (estimate: number, real: number | undefined): number => real !== undefined ? real - estimate : failed ? -estimate : 0
    const tokens = delta(charge.tokens, actual.tokens)
    const nanos = delta(charge.nanos, actual.nanos)
    for (const key of charge.tokenKeys) this.adjust(key, tokens, charge.budgets)
    for (const key of charge.moneyKeys) this.adjust(key, nanos, charge.budgets)
  }

  /** Where each of an owner's limits stands now, without charging anything. */
  async spend (owner: LimitOwner, now = Date.now()): Promise<Spend> {
    const checks = checksFor([owner], { tokens: 0, nanos: 0 }, now).map((c) => ({ ...c, need: 0, cost: 0 }))
    if (checks.length === 0) return {}
    const { states } = await withTimeout(this.store.check(checks), CHECK_TIMEOUT_MS)
    const spend: Spend = {}
    checks.forEach((c, i) => {
      const value = Math.round(used(states[i] as WindowState, c))
      if (c.kind === 'requests') spend.rpm = value
      else if (c.kind === 'tokens') spend.tpm = value
      else if (c.budget?.unit === 'tokens') spend.tokens = value
      else spend.nanos = value
    })
    return spend
  }

  private adjust (key: string, delta: number, budgets: BudgetRef[]): void {
    const budget = budgets.find((b) => b.key === key)
    // Budgets are read back after every request (INCRBY 0 costs one call) so that alerts see the real spend.
    if (delta === 0 && budget === undefined) return
    this.store.adjust(key, delta).then((value) => {
      this.outage.ok()
      if (budget !== undefined && value !== undefined) this.alerts?.observe(budget, value)
    }, (err: unknown) => { this.outage.failed('rate limits', err) })
  }
}

function chargeOf (checks: Named[]): Charge | undefined {
  const tokenChecks = checks.filter((c) => c.kind === 'tokens' || c.budget?.unit === 'tokens')
  const moneyChecks = checks.filter((c) => c.budget?.unit === 'amount')
  if (tokenChecks.length === 0 && moneyChecks.length === 0) return undefined
  return {
    tokens: tokenChecks[0]?.cost ?? 0,
    tokenKeys: tokenChecks.map((c) => c.key),
    nanos: moneyChecks[0]?.cost ?? 0,
    moneyKeys: moneyChecks.map((c) => c.key),
    budgets: checks.flatMap((c) => c.budget !== undefined ? [c.budget] : [])
  }
}

/** OpenAI's x-ratelimit-* headers for the requests and tokens limits: the key's, else its team's. */
function rateHeaders (checks: Named[], states: WindowState[]): Record<string, string> {
  const headers: Record<string, string> = {}
  checks.forEach((c, i) => {
    if (c.kind === 'budget' || (c.owner.scope === 'team' && headers[`x-ratelimit-limit-${c.kind}`] !== undefined)) return
    const state = states[i] as WindowState
    const remaining = Math.max(0, Math.floor(c.limit - used(state, c)))
    // Until the minute rolls over; when nothing is left, until the next request fits.
    const reset = remaining > 0 ? 60_000 - c.elapsedMs : msUntilFits(state, c.limit, 1, c.elapsedMs)
    headers[`x-ratelimit-limit-${c.kind}`] = String(c.limit)
    headers[`x-ratelimit-remaining-${c.kind}`] = String(remaining)
    headers[`x-ratelimit-reset-${c.kind}`] = formatReset(reset)
  })
  return headers
}
