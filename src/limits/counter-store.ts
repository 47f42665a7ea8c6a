// Counters behind the limits. All checks of one request are evaluated and charged together, atomically:
// a request refused by one limit is charged by none.
import type { WindowState } from './windows.js'

export interface WindowCheck {
  /** Counter of the current window (or budget period). */
  key: string
  /** Counter of the previous window; ignored when prevWeight is 0. */
  prevKey: string
  /** Share of the previous window still counted, 0..1. */
  prevWeight: number
  limit: number
  /** What must still fit under the limit to admit the request. */
  need: number
  /** What is charged when admitted. */
  cost: number
  ttlMs: number
}

export interface CheckResult {
  allowed: boolean
  /** Per check: counters before the charge when refused, after it when admitted. */
  states: WindowState[]
}

export interface CounterStore {
  check: (checks: WindowCheck[]) => Promise<CheckResult>
  /** Adds `delta` to a counter that still exists (a correction of an earlier charge); its new value, if it exists. */
  adjust: (key: string, delta: number) => Promise<number | undefined>
  /** True the first time `key` is claimed within `ttlMs`, on any replica: an alert raised once. */
  once: (key: string, ttlMs: number) => Promise<boolean>
}

/** The same arithmetic as the Lua script, for one process. */
export class MemoryCounters implements CounterStore {
  private readonly counters = new Map<string, { value: number, expiresAt: number }>()

  async check (checks: WindowCheck[]): Promise<CheckResult> {
    const now = Date.now()
    if (this.counters.size > 10_000) this.sweep(now)
    const states = checks.map((c) => ({ current: this.get(c.key, now), previous: c.prevWeight > 0 ? this.get(c.prevKey, now) : 0 }))
    const allowed = checks.every((c, i) => {
      const s = states[i] as WindowState
      return s.previous * c.prevWeight + s.current + c.need <= c.limit
    })
    if (!allowed) return { allowed, states }
    checks.forEach((c, i) => {
      const value = this.get(c.key, now) + Math.round(c.cost)
      this.counters.set(c.key, { value, expiresAt: now + c.ttlMs })
      ;(states[i] as WindowState).current = value
    })
    return { allowed, states }
  }

  async adjust (key: string, delta: number): Promise<number | undefined> {
    const entry = this.counters.get(key)
    if (entry === undefined || entry.expiresAt <= Date.now()) return undefined
    entry.value += Math.round(delta)
    return entry.value
  }

  async once (key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now()
    if (this.get(key, now) > 0) return false
    this.counters.set(key, { value: 1, expiresAt: now + ttlMs })
    return true
  }

  private get (key: string, now: number): number {
    const entry = this.counters.get(key)
    return entry === undefined || entry.expiresAt <= now ? 0 : entry.value
  }

  private sweep (now: number): void {
    for (const [key, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(key)
  }
}
