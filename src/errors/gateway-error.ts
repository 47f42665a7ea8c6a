// One hierarchy for every failure a client can see. Each class fixes the HTTP status and OpenAI `type`;
// `code` strings are snake_case like OpenAI's.
export interface OpenAIErrorBody {
  error: { message: string, type: string, param: string | null, code: string | null }
}

/** Whose fault a failure is: one closed list, used as a metric label, a log field and `x-qiao-error`. */
export const FAILURE_CLASSES = [
  'caller_invalid_request', 'caller_unauthenticated', 'caller_rate_limited', 'caller_budget_exceeded', 'caller_cache_miss',
  'caller_cancelled', 'policy_model_not_allowed', 'provider_auth', 'provider_rate_limited', 'provider_quota_exhausted',
  'provider_timeout', 'provider_unavailable', 'provider_error', 'provider_bad_response', 'provider_stream_broken',
  'gateway_overloaded', 'gateway_internal'
] as const
export type FailureClass = typeof FAILURE_CLASSES[number]

export interface GatewayErrorOptions {
  failure?: FailureClass
  code?: string
  param?: string | null
  headers?: Record<string, string>
  cause?: unknown
}

export abstract class GatewayError extends Error {
  abstract readonly statusCode: number
  abstract readonly type: string
  abstract readonly defaultFailure: FailureClass
  private readonly explicitFailure: FailureClass | undefined
  readonly code: string
  readonly param: string | null
  readonly headers: Record<string, string>

  constructor (message: string, defaultCode: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code ?? defaultCode
    this.param = options.param ?? null
    this.headers = options.headers ?? {}
    this.explicitFailure = options.failure
  }

  get failure (): FailureClass {
    return this.explicitFailure ?? this.defaultFailure
  }

  toBody (): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } }
  }
}

export class InvalidRequestError extends GatewayError {
  readonly statusCode = 400
  readonly type = 'invalid_request_error'
  readonly defaultFailure: FailureClass = 'caller_invalid_request'
  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'invalid_value', options) }
}

/** 4xx statuses Fastify raises itself (413 body too large, 415 content type, 404 route). */
export class RequestRejectedError extends GatewayError {
  readonly type = 'invalid_request_error'
  readonly defaultFailure: FailureClass = 'caller_invalid_request'
  constructor (readonly statusCode: number, message: string, options: GatewayErrorOptions = {}) {
    super(message, 'invalid_request', options)
  }
}

export class AuthenticationError extends GatewayError {
  readonly statusCode = 401
  readonly type = 'authentication_error'
  readonly defaultFailure: FailureClass = 'caller_unauthenticated'
  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'invalid_api_key', options) }
}

export class PermissionDeniedError extends GatewayError {
  readonly statusCode = 403
  readonly type = 'permission_error'
  readonly defaultFailure: FailureClass = 'policy_model_not_allowed'
  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'permission_denied', options) }
}

export class NotFoundError extends GatewayError {
  readonly statusCode = 404
  readonly type = 'invalid_request_error'
  readonly defaultFailure: FailureClass = 'caller_invalid_request'
  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'not_found', options) }
}

export class ModelNotFoundError extends NotFoundError {
  constructor (model: string, detail = '') {
    super(`The model '${model}' does not exist or is not served by this gateway${detail}`, { code: 'model_not_found', param: 'model' })
  }
}

/** The backend's account cannot pay or its quota is spent: no retry can fix it. */
export class QuotaExhaustedError extends GatewayError {
  readonly statusCode = 402
  readonly type = 'insufficient_quota'
  readonly defaultFailure: FailureClass = 'provider_quota_exhausted'
  constructor (message: string, options: GatewayErrorOptions = {}) {
    super(message, 'insufficient_quota', { ...options, headers: { 'x-should-retry': 'false', ...options.headers } })
  }
}

export class RateLimitError extends GatewayError {
  readonly statusCode = 429
  readonly type = 'rate_limit_error'
  readonly defaultFailure: FailureClass = 'provider_rate_limited'
  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'rate_limit_exceeded', options) }
}

export class InternalError extends GatewayError {
  readonly statusCode = 500
  readonly type = 'api_error'
  readonly defaultFailure: FailureClass = 'gateway_internal'
  constructor (message = 'The gateway failed to process the request', options: GatewayErrorOptions = {}) {
    super(message, 'internal_error', options)
  }
}

const UPSTREAM_FAILURES: Record<string, FailureClass> = {
  upstream_auth_error: 'provider_auth',
  upstream_bad_response: 'provider_bad_response',
  upstream_stream_broken: 'provider_stream_broken',
  upstream_stream_error: 'provider_stream_broken'
}

export class UpstreamError extends GatewayError {
  readonly statusCode = 502
  readonly type = 'api_error'
  get defaultFailure (): FailureClass {
    return UPSTREAM_FAILURES[this.code] ?? 'provider_error'
  }

  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'upstream_error', options) }
}

export class UpstreamUnavailableError extends GatewayError {
  readonly statusCode = 503
  readonly type = 'api_error'
  readonly defaultFailure: FailureClass = 'provider_unavailable'
  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'upstream_unavailable', options) }
}

export class UpstreamTimeoutError extends GatewayError {
  readonly statusCode = 504
  readonly type = 'api_error'
  readonly defaultFailure: FailureClass = 'provider_timeout'
  constructor (message: string, options: GatewayErrorOptions = {}) { super(message, 'upstream_timeout', options) }
}

export class GatewayOverloadedError extends GatewayError {
  readonly statusCode = 503
  readonly type = 'api_error'
  readonly defaultFailure: FailureClass = 'gateway_overloaded'
  constructor (message: string, options: GatewayErrorOptions = {}) {
    super(message, 'gateway_overloaded', { ...options, headers: { 'retry-after': '1', ...options.headers } })
  }
}

export class GatewayShuttingDownError extends GatewayError {
  readonly statusCode = 503
  readonly type = 'api_error'
  readonly defaultFailure: FailureClass = 'gateway_overloaded'
  constructor (message = 'The gateway is shutting down; retry on another instance', options: GatewayErrorOptions = {}) {
    super(message, 'gateway_shutting_down', { ...options, headers: { 'retry-after': '1', ...options.headers } })
  }
}
