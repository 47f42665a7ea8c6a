// How long to wait before trying again: the backend's retry-after when it gave one, else exponential
// backoff with jitter.
import type { GatewayError } from '../errors/gateway-error.js'

const BASE_DELAY_MS = 200
const MAX_DELAY_MS = 5_000

/** retry-after-ms first (OpenAI's header), then retry-after in seconds or as an HTTP date. */
export function retryAfterMs (error: GatewayError): number | undefined {
  const exact = Number(error.headers['retry-after-ms'])
  if (Number.isFinite(exact) && exact >= 0) return exact
  const value = error.headers['retry-after']
  if (value === undefined || value === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

export function backoffMs (attempt: number): number {
  const delay = Math.min(BASE_DELAY_MS * 2 ** attempt, MAX_DELAY_MS)
  return Math.round(delay * (0.75 + Math.random() * 0.5))
}
