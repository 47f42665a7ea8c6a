// Runs one request against a plan of targets: skips targets whose circuit is open, retries a target on
// transient failures (honouring retry-after up to the provider's maxRetryAfter), moves on to the next
// target, bounds time and concurrency per provider, and never retries once an answer has started.
import { setTimeout as sleep } from 'node:timers/promises'
import {
  type GatewayError, GatewayOverloadedError, QuotaExhaustedError, RateLimitError, UpstreamError,
  UpstreamTimeoutError, UpstreamUnavailableError
} from '../errors/gateway-error.js'
import { toGatewayError } from '../errors/to-openai-error.js'
import type { ProviderAdapter } from '../providers/types.js'
import { AttemptSignal } from './attempt-signal.js'
import { asAbortSignal, type Cancellation } from './cancel-signal.js'
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js'
import { ConcurrencyLimiter } from './concurrency-limiter.js'
import type { RouteTarget } from './model-router.js'
import { providerPolicy, type ProviderPolicy } from '../config/provider-policy.js'
import { backoffMs, retryAfterMs } from './retry-timing.js'

export interface Served<T> {
  value: T
  target: RouteTarget
  attempts: number
}

/** For answers that outlive the call (streams): report when the answer has ended, and whether well. */
export interface Hold {
  settle: (ok: boolean) => void
  timedOut: () => boolean
}

export interface CallerLog {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
}

type Disposition = 'retry' | 'next' | 'stop'

export class ResilientCaller {
  private readonly policies = new Map<string, ProviderPolicy>()
  private readonly limiters = new Map<string, ConcurrencyLimiter>()
  private readonly breakers = new Map<string, CircuitBreaker>()

  constructor (adapters: ProviderAdapter[], private readonly log: CallerLog) {
    for (const adapter of adapters) {
      const policy = providerPolicy(adapter.config)
      this.policies.set(adapter.id, policy)
      this.limiters.set(adapter.id, new ConcurrencyLimiter(adapter.id, policy.maxConcurrent, policy.maxQueue))
    }
  }

  async call<T> (plan: RouteTarget[], clientSignal: Cancellation, call: (target: RouteTarget, signal: Cancellation) => Promise<T>,
    hold?: (value: T, hold: Hold) => T): Promise<Served<T>> {
    let attempts = 0
    let lastError: GatewayError | undefined
    for (const target of plan) {
      const policy = this.policies.get(target.adapter.id) as ProviderPolicy
      const breaker = this.breaker(target, policy)
      if (!breaker.tryAcquire()) {
        lastError ??= new UpstreamUnavailableError(`${breaker.name} is failing and is rested for a while (circuit open)`)
        continue
      }
      const retries = target.retries ?? policy.retries
      for (let attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0 && !breaker.tryAcquire()) break
        attempts++
        const outcome = await this.attempt(target, policy, breaker, clientSignal, call, hold)
        if (outcome.ok) return { value: outcome.value, target, attempts }
        lastError = outcome.error
        const disposition = dispositionOf(outcome.error)
        if (disposition === 'stop') throw withAttempts(outcome.error, attempts)
        if (disposition === 'next' || attempt === retries) break
        const wait = retryAfterMs(outcome.error)
        if (wait !== undefined && wait > policy.maxRetryAfterMs) break
        await sleep(Math.max(wait ?? 0, backoffMs(attempt)), undefined, { signal: asAbortSignal(clientSignal) })
      }
    }
    throw withAttempts(lastError ?? new UpstreamUnavailableError('No provider can serve this model'), attempts)
  }

  circuitStates (): Array<{ target: string, state: CircuitState }> {
    return [...this.breakers.values()].map((breaker) => ({ target: breaker.name, state: breaker.current }))
  }

  concurrency (): Array<{ provider: string, inFlight: number, queued: number }> {
    return [...this.limiters.values()].map((l) => ({ provider: l.name, inFlight: l.inFlight, queued: l.queued }))
  }

  private async attempt<T> (target: RouteTarget, policy: ProviderPolicy, breaker: CircuitBreaker, clientSignal: Cancellation,
    call: (target: RouteTarget, signal: Cancellation) => Promise<T>, hold?: (value: T, hold: Hold) => T
  ): Promise<{ ok: true, value: T } | { ok: false, error: GatewayError }> {
    let release: (() => void) | undefined
    const total = new AttemptSignal(clientSignal, policy.totalMs)
    let held = false
    try {
      const slot = (this.limiters.get(target.adapter.id) as ConcurrencyLimiter).acquire(clientSignal)
      release = typeof slot === 'function' ? slot : await slot
      const value = await call(target, total.signal)
      if (hold === undefined) {
        breaker.success()
        return { ok: true, value }
      }
      const done = release
      release = undefined
      held = true
      let settled = false
      return {
        ok: true,
        value: hold(value, {
          settle: (ok) => {
            if (settled) return
            settled = true
            done()
            total.dispose()
            // A stream's health is known when it ends, not when its headers arrive: success at the headers
            // would reset the count, and streams that always break mid-way would never open the circuit.
            if (ok) breaker.success()
            else if (clientSignal.aborted) breaker.release()
            else breaker.failure()
          },
          timedOut: () => total.timedOut
        })
      }
    } catch (err) {
      if (clientSignal.aborted) {
        breaker.release()
        throw err
      }
      if (err instanceof GatewayOverloadedError) {
        breaker.release()
        return { ok: false, error: err }
      }
      const error = total.timedOut ? new UpstreamTimeoutError(`${target.adapter.id} did not finish within ${policy.totalMs} ms`) : toGatewayError(err)
      if (countsAgainstTarget(error)) breaker.failure()
      else breaker.success()
      this.log.warn({ provider: target.adapter.id, model: target.upstreamModel, failure: error.failure, code: error.code }, 'upstream attempt failed')
      return { ok: false, error }
    } finally {
      release?.()
      if (!held) total.dispose()
    }
  }

  private breaker (target: RouteTarget, policy: ProviderPolicy): CircuitBreaker {
    const name = `${target.adapter.id}/${target.upstreamModel}`
    let breaker = this.breakers.get(name)
    if (breaker === undefined) {
      breaker = new CircuitBreaker(name, policy.breakerFailures, policy.breakerCooldownMs, (target, from, to) => {
        this.log.warn({ target, from, to }, `circuit ${to === 'open' ? 'opened' : to === 'closed' ? 'closed' : 'half-open'} for ${target}`)
      })
      this.breakers.set(name, breaker)
    }
    return breaker
  }
}

/** A failed answer says how many upstream requests it took too (0 when every circuit was open). */
function withAttempts (error: GatewayError, attempts: number): GatewayError {
  error.headers['x-qiao-attempts'] = String(attempts)
  return error
}

/** retry: the same target may answer next time; next: this target cannot, another may; stop: no target will. */
function dispositionOf (error: GatewayError): Disposition {
  if (error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError) return 'retry'
  if (error instanceof RateLimitError) return 'retry'
  if (error instanceof UpstreamError) return error.code === 'upstream_auth_error' ? 'next' : 'retry'
  if (error instanceof QuotaExhaustedError || error instanceof GatewayOverloadedError) return 'next'
  return 'stop'
}

function countsAgainstTarget (error: GatewayError): boolean {
  return error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError || error instanceof UpstreamError
}
