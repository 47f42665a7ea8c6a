// A key's rpm, tpm and budget: one atomic check before the call (tokens charged from an estimate),
// one correction after it (the real usage replaces the estimate). Redis trouble fails OPEN: the request
// is served without limits and the outage is logged once.
import { RateLimitError } from '../errors/gateway-error.js'
import { withTimeout, type OutageReporter } from '../redis-outage.js'
import type { BudgetConfig } from '../config/schema.js'
import type { CounterStore, WindowCheck } from './counter-store.js'
import { budgetPeriod, formatReset, minuteCheck, msUntilFits, used, type WindowState } from './windows.js'

const CHECK_TIMEOUT_MS = 250

export interface KeyLimits {
  id: string
  rpm?: number
  tpm?: number
  budget?: BudgetConfig
}

/** What was charged, to be corrected once the real usage is known. */
export interface Charge {
  estimate: number
  keys: string[]
}

export interface Admission {
  headers: Record<string, string>
  charge: Charge | undefined
}

type Named = WindowCheck & { kind: 'requests' | 'tokens' | 'budget', elapsedMs: number, endsAt: number }

export class Limiter {
  constructor (private readonly store: CounterStore, private readonly outage: OutageReporter) {}

  /** Charges the request or throws a 429 RateLimitError (code budget_exceeded for budgets). */
  async admit (key: KeyLimits, estimate: number, now = Date.now()): Promise<Admission> {
    const checks = this.checksFor(key, Math.max(1, Math.ceil(estimate)), now)
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
    if (result.allowed) {
      const charged = checks.filter((c) => c.kind !== 'requests').map((c) => c.key)
      return { headers, charge: charged.length > 0 ? { estimate, keys: charged } : undefined }
    }
    const over = checks.filter((c, i) => used(result.states[i] as WindowState, c) + c.need > c.limit)
    const budget = over.find((c) => c.kind === 'budget')
    if (budget !== undefined) {
      const retry = Math.max(1, Math.ceil((budget.endsAt - now) / 1_000))
      throw new RateLimitError(`Key '${key.id}' has used its token budget of ${budget.limit} for this ${key.budget?.period ?? 'period'}`,
        { code: 'budget_exceeded', failure: 'caller_budget_exceeded', headers: { ...headers, 'retry-after': String(retry) } })
    }
    const waitMs = Math.max(...over.map((c) => msUntilFits(result.states[checks.indexOf(c)] as WindowState, c.limit, c.need, c.elapsedMs)))
    const names = over.map((c) => c.kind === 'requests' ? `${c.limit} requests` : `${c.limit} tokens`).join(' and ')
    throw new RateLimitError(`Rate limit reached for key '${key.id}': ${names} per minute`,
      { failure: 'caller_rate_limited', headers: { ...headers, 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1_000))) } })
  }

  /** Replaces the estimate by the real tokens; without a usage, a failed call is refunded, a finished one keeps it. */
  settle (charge: Charge | undefined, actualTokens: number | undefined, failed: boolean): void {
    if (charge === undefined) return
    const delta = actualTokens !== undefined ? actualTokens - charge.estimate : failed ? -charge.estimate : 0
    if (delta === 0) return
    for (const key of charge.keys) {
      this.store.adjust(key, delta).then(() => { this.outage.ok() }, (err: unknown) => { this.outage.failed('rate limits', err) })
    }
  }

  private checksFor (key: KeyLimits, estimate: number, now: number): Named[] {
    const checks: Named[] = []
    if (key.rpm !== undefined) {
      checks.push({ ...minuteCheck(`limits:rpm:${key.id}`, now, key.rpm, 1, 1), kind: 'requests', endsAt: 0 })
    }
    if (key.tpm !== undefined) {
      // A request larger than the whole limit still passes an empty window, charged in full.
      checks.push({ ...minuteCheck(`limits:tpm:${key.id}`, now, key.tpm, Math.min(estimate, key.tpm), estimate), kind: 'tokens', endsAt: 0 })
    }
    if (key.budget?.tokens !== undefined) {
      // A budget admits while anything is left (need 1); the estimate reserves tokens for concurrent requests.
      const period = budgetPeriod(`limits:budget:${key.id}`, key.budget.period, now)
      const ttlMs = period.endsAt - now + 86_400_000
      checks.push({ key: period.key, prevKey: period.key, prevWeight: 0, limit: key.budget.tokens, need: 1, cost: estimate, ttlMs, kind: 'budget', elapsedMs: 0, endsAt: period.endsAt })
    }
    return checks
  }
}

/** OpenAI's x-ratelimit-* headers for the requests and tokens limits the key has. */
function rateHeaders (checks: Named[], states: WindowState[]): Record<string, string> {
  const headers: Record<string, string> = {}
  checks.forEach((c, i) => {
    if (c.kind === 'budget') return
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
