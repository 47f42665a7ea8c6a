// A GatewayError spelled as Anthropic's error body: same status and message, Anthropic's type names
// (https://docs.anthropic.com/en/api/errors), which the SDKs turn into their exception classes.
import type { GatewayError } from '../../errors/gateway-error.js'

export interface AnthropicErrorBody {
  type: 'error'
  error: { type: string, message: string }
  request_id?: string
}

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  // Our 503s are capacity or reachability: Anthropic's clients back off on overloaded_error.
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error'
}

export function anthropicErrorType (status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error')
}

export function anthropicError (error: GatewayError, requestId?: string): AnthropicErrorBody {
  const body: AnthropicErrorBody = { type: 'error', error: { type: anthropicErrorType(error.statusCode), message: error.message } }
  if (requestId !== undefined) body.request_id = requestId
  return body
}
