// A backend's error answer → the GatewayError a client sees. Backends disagree on error bodies
// (providers.md §6.1): `{"error":"text"}` (Ollama), `{"errors":{...}}` (ModelScope),
// `{"error":{"code":"1113",...}}` (Zhipu), `{"detail":"..."}` (DeepSeek content filter), or plain text.
import type { IncomingHttpHeaders } from 'node:http'
import {
  type GatewayError, InvalidRequestError, NotFoundError, QuotaExhaustedError, RateLimitError,
  RequestRejectedError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError
} from '../errors/gateway-error.js'

export interface VendorError {
  message: string
  code: string | null
  param: string | null
}

export interface UpstreamFailure {
  providerId: string
  status: number
  headers: IncomingHttpHeaders
  vendor: VendorError
}

/** Provider hook: a 429 (or other status) that no retry can fix, such as an exhausted balance. */
export type QuotaCheck = (failure: UpstreamFailure) => boolean

export function parseVendorError (text: string): VendorError {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { message: text.trim().slice(0, 500) || 'no error message', code: null, param: null }
  }
  const b = (body ?? {}) as Record<string, unknown>
  const inner = b['error'] ?? b['errors'] ?? b['detail'] ?? b['message'] ?? body
  if (typeof inner === 'string') return { message: inner, code: null, param: null }
  if (inner !== null && typeof inner === 'object') {
    const e = inner as Record<string, unknown>
    const message = typeof e['message'] === 'string' ? e['message'] : JSON.stringify(inner)
    const code = e['code'] === undefined || e['code'] === null ? null : String(e['code'])
    const param = typeof e['param'] === 'string' ? e['param'] : null
    return { message, code, param }
  }
  return { message: JSON.stringify(body).slice(0, 500), code: null, param: null }
}

export function upstreamError (failure: UpstreamFailure, isQuotaExhausted: QuotaCheck = () => false, secrets: string[] = []): GatewayError {
  const { providerId: id, status, headers } = failure
  const message = `${id}: ${redact(failure.vendor.message, secrets)}`
  const code = failure.vendor.code
  const retryHeaders = pickRetryHeaders(headers)
  if (isQuotaExhausted(failure)) {
    return new QuotaExhaustedError(`${message} (the provider's quota or balance is exhausted; retrying will not help)`, { code: 'insufficient_quota' })
  }
  if (status === 400 || status === 422) return new InvalidRequestError(message, { code: code ?? 'invalid_request', param: failure.vendor.param })
  if (status === 401 || status === 403) {
    // Our provider key is wrong or lacks rights: the caller did nothing wrong, so not a 401.
    return new UpstreamError(`${id} rejected the gateway's credentials (HTTP ${status}); the gateway's provider configuration needs fixing`, { code: 'upstream_auth_error' })
  }
  if (status === 402) return new QuotaExhaustedError(message, { code: 'insufficient_quota' })
  if (status === 404) return new NotFoundError(message, { code: 'model_not_found', param: 'model' })
  if (status === 408 || status === 504) return new UpstreamTimeoutError(`${message} (upstream HTTP ${status})`)
  if (status === 429) return new RateLimitError(message, { code: 'rate_limit_exceeded', headers: retryHeaders })
  if (status === 503) return new UpstreamUnavailableError(`${message} (upstream HTTP 503)`, { headers: retryHeaders })
  if (status >= 500) return new UpstreamError(`${message} (upstream HTTP ${status})`, { code: 'upstream_error' })
  if (status >= 400) return new RequestRejectedError(status, message, { code: code ?? 'invalid_request' })
  return new UpstreamError(`${id}: unexpected upstream HTTP ${status}`)
}

/** Retry hints that OpenAI SDKs read; long waits are left to the SDK's own backoff (providers.md §6.3). */
function pickRetryHeaders (headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of ['retry-after', 'retry-after-ms']) {
    const value = headers[name]
    if (typeof value === 'string' && value !== '') out[name] = value
  }
  return out
}

export function redact (text: string, secrets: string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join('[redacted]')
  return out
}
