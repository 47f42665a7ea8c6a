// rpm and tpm use a SLIDING WINDOW COUNTER: two fixed one-minute windows, the previous one weighted by the
// share of it still inside the last 60 s. It needs two counters per limit, has no burst at minute
// boundaries, and is corrected by adding to the window that was charged. Budgets use one FIXED window:
// the calendar day or month in UTC.
import type { WindowCheck } from './counter-store.js'

export const MINUTE_MS = 60_000

export interface WindowState { current: number, previous: number }

/** The check of a per-minute limit for `name` (e.g. `limits:{key:alice}:rpm`) at `now`. */
export function minuteCheck (name: string, now: number, limit: number, need: number, cost: number): WindowCheck & { elapsedMs: number } {
  const index = Math.floor(now / MINUTE_MS)
  const elapsedMs = now - index * MINUTE_MS
  return {
    key: `${name}:${index}`,
    prevKey: `${name}:${index - 1}`,
    prevWeight: (MINUTE_MS - elapsedMs) / MINUTE_MS,
    limit,
    need,
    cost,
    ttlMs: 2 * MINUTE_MS + 1_000,
    elapsedMs
  }
}

export function used (state: WindowState, check: WindowCheck): number {
  return state.previous * check.prevWeight + state.current
}

/** Milliseconds until `need` more fits under `limit`, as the previous window fades and the current one rolls over. */
export function msUntilFits (state: WindowState, limit: number, need: number, elapsedMs: number): number {
  const { current, previous } = state
  if (previous * (MINUTE_MS - elapsedMs) / MINUTE_MS + current + need <= limit) return 0
  if (current + need <= limit) {
    // Fits once the previous window's weight has dropped to (limit - current - need) / previous.
    const at = MINUTE_MS * (1 - (limit - current - need) / previous)
    return Math.max(0, Math.ceil(at - elapsedMs))
  }
  // Fits in the next window, once this window (then the previous one) has faded enough.
  const at = current === 0 ? 0 : MINUTE_MS * (1 - (limit - need) / current)
  return MINUTE_MS - elapsedMs + Math.max(0, Math.ceil(at))
}

export interface Period { key: string, endsAt: number }

/** The UTC calendar day or month holding `now`, named by its first day. */
export function budgetPeriod (name: string, period: 'day' | 'month', now: number): Period {
  const date = new Date(now)
  const y = date.getUTCFullYear()
  const m = date.getUTCMonth()
  const start = period === 'day' ? Date.UTC(y, m, date.getUTCDate()) : Date.UTC(y, m, 1)
  const endsAt = period === 'day' ? start + 86_400_000 : Date.UTC(y, m + 1, 1)
  return { key: `${name}:${new Date(start).toISOString().slice(0, 10)}`, endsAt }
}

/** OpenAI's reset format: `20ms`, `1.5s`, `6m0s`. */
export function formatReset (ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))}ms`
  if (ms < MINUTE_MS) return `${Number((ms / 1_000).toFixed(3))}s`
  const seconds = Math.ceil(ms / 1_000)
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`
}
