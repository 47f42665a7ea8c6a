// Admin reads and writes of the key and team stores: a Redis that hangs or is down is a 503, never a wait.
import { UpstreamUnavailableError } from '../errors/gateway-error.js'
import { withTimeout } from '../redis-outage.js'

export const LOOKUP_TIMEOUT_MS = 500

export async function storeCall<T> (call: Promise<T>, what: string): Promise<T> {
  try {
    return await withTimeout(call, LOOKUP_TIMEOUT_MS * 4)
  } catch (err) {
    throw new UpstreamUnavailableError(`The ${what} store (Redis) is unavailable; retry shortly`, { code: 'auth_unavailable', failure: 'gateway_internal', cause: err })
  }
}
