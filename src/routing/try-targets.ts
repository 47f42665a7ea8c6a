// Serve from the first target that answers: a target that is down, overloaded or timing out gives way
// to the next one; an error about the request itself does not, since every target would refuse it.
import { GatewayError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError, RateLimitError } from '../errors/gateway-error.js'
import { toGatewayError } from '../errors/to-openai-error.js'
import type { RouteTarget } from './model-router.js'

export interface Served<T> {
  value: T
  target: RouteTarget
  attempts: number
}

export async function tryTargets<T> (targets: RouteTarget[], signal: AbortSignal, call: (target: RouteTarget) => Promise<T>): Promise<Served<T>> {
  let lastError: GatewayError | undefined
  let attempts = 0
  for (const target of targets) {
    attempts++
    try {
      return { value: await call(target), target, attempts }
    } catch (err) {
      if (signal.aborted) throw err
      lastError = toGatewayError(err)
      if (!isTransient(lastError)) throw lastError
    }
  }
  throw lastError ?? new UpstreamUnavailableError('No provider can serve this model')
}

function isTransient (error: GatewayError): boolean {
  return error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError ||
    error instanceof RateLimitError || (error instanceof UpstreamError && error.code !== 'upstream_auth_error')
}
