// Any thrown value → the GatewayError a client sees. The only translator; plugins/error-handler.ts calls it.
import {
  GatewayError, InternalError, InvalidRequestError, RequestRejectedError,
  UpstreamTimeoutError, UpstreamUnavailableError
} from './gateway-error.js'

interface AjvIssue { instancePath?: string, keyword?: string, message?: string, params?: Record<string, unknown> }
interface FastifyLikeError { code?: string, statusCode?: number, message?: string, validation?: AjvIssue[], validationContext?: string }

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED'])
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])

export function toGatewayError (err: unknown): GatewayError {
  if (err instanceof GatewayError) return err
  const e = (err ?? {}) as FastifyLikeError
  if (Array.isArray(e.validation)) return fromValidation(e.validation, e.validationContext)
  const code = errorCode(err)
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return new UpstreamUnavailableError('The upstream provider could not be reached', { cause: err })
  if (code !== undefined && TIMEOUT_CODES.has(code)) return new UpstreamTimeoutError('The upstream provider did not answer in time', { cause: err })
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return fromFastify(e)
  return new InternalError(undefined, { cause: err })
}

/** undici nests the socket error in `cause`; look one level down too. */
function errorCode (err: unknown): string | undefined {
  const e = err as { code?: unknown, cause?: { code?: unknown } } | null
  if (typeof e?.code === 'string' && e.code !== 'UND_ERR_REQ_RETRY') return e.code
  return typeof e?.cause?.code === 'string' ? e.cause.code : undefined
}

function fromValidation (issues: AjvIssue[], context = 'body'): InvalidRequestError {
  const issue = issues[0] ?? {}
  const missing = issue.keyword === 'required' ? issue.params?.['missingProperty'] : undefined
  const path = toParam(issue.instancePath ?? '')
  if (typeof missing === 'string') {
    const param = path === '' ? missing : `${path}.${missing}`
    return new InvalidRequestError(`Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' })
  }
  const param = path === '' ? null : path
  const what = param === null ? `the request ${context}` : `'${param}'`
  const code = issue.keyword === 'type' ? 'invalid_type' : 'invalid_value'
  return new InvalidRequestError(`Invalid value for ${what}: ${issue.message ?? 'invalid'}.`, { param, code })
}

/** /messages/0/content → messages[0].content */
function toParam (pointer: string): string {
  return pointer.split('/').filter((p) => p !== '').reduce((out, part) =>
    /^\d+$/.test(part) ? `${out}[${part}]` : (out === '' ? part : `${out}.${part}`), '')
}

const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; a JSON object was expected.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type; send application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.'
}

function fromFastify (e: FastifyLikeError): GatewayError {
  const status = e.statusCode as number
  const message = (e.code !== undefined ? FASTIFY_MESSAGES[e.code] : undefined) ??
    (e.message !== undefined && e.message !== '' && !e.message.includes('\n') ? e.message : 'The request was rejected.')
  if (status === 400) return new InvalidRequestError(message, { code: e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'invalid_json' : 'invalid_request' })
  const code = status === 413 ? 'request_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request'
  return new RequestRejectedError(status, message, { code })
}
