// One upstream call as adapters need it: non-2xx answers become GatewayErrors (a key the backend rejects
// leaves the rotation and the call goes again with the next key), JSON bodies are parsed with a clear
// error when they are not JSON.
import { type GatewayError, UpstreamError, UpstreamUnavailableError } from '../errors/gateway-error.js'
import { toGatewayError } from '../errors/to-openai-error.js'
import { readCappedText, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from '../upstream/upstream-client.js'
import { keyHint } from '../upstream/key-ring.js'
import { AnswerCutOffError, type WholeAnswer } from '../upstream/whole-answer.js'
import { parseJsonWithVectors } from '../upstream/vector-json.js'
import type { CallContext } from './types.js'
import { parseVendorError, type UpstreamFailure } from './upstream-errors.js'

type ToError = (failure: UpstreamFailure) => GatewayError
type Failed = Pick<WholeAnswer, 'statusCode' | 'headers' | 'text'>

/** A streamed answer: the response with its body still to read. */
export async function callUpstream (client: UpstreamClient, request: Omit<UpstreamRequest, 'signal'>, ctx: CallContext,
  providerId: string, toError: ToError): Promise<UpstreamResponse> {
  for (;;) {
    const apiKey = client.keys.take()
    const response = await client.request(asSent(request, apiKey, ctx))
    if (response.statusCode >= 200 && response.statusCode < 300) return response
    const failed = { statusCode: response.statusCode, headers: response.headers, text: await readCappedText(response.body) }
    if (!keyRejected(client, failed, apiKey, ctx, providerId)) throw failure(failed, providerId, toError)
  }
}

/** A JSON answer, read whole and parsed; with `vectors`, number arrays (embeddings) come as Float32Arrays. */
export async function fetchJson (client: UpstreamClient, request: Omit<UpstreamRequest, 'signal'>, ctx: CallContext,
  providerId: string, toError: ToError, options: { vectors?: boolean } = {}): Promise<unknown> {
  for (;;) {
    const apiKey = client.keys.take()
    let answer: WholeAnswer
    try {
      answer = await client.requestWhole(asSent(request, apiKey, ctx))
    } catch (err) {
      throw cutOff(err, providerId)
    }
    if (answer.statusCode >= 200 && answer.statusCode < 300) return parseJson(answer, providerId, options.vectors === true)
    if (!keyRejected(client, answer, apiKey, ctx, providerId)) throw failure(answer, providerId, toError)
  }
}

/**
 * The request with its key, signal and request id, as one object literal: on Node 20 a spread that adds
 * properties to the copy takes microseconds (V8 leaves its fast path), ~5 % of a chat request's CPU here.
 */
function asSent (request: Omit<UpstreamRequest, 'signal'>, apiKey: string | undefined, ctx: CallContext): UpstreamRequest & { apiKey: string | undefined } {
  const headers = request.headers === undefined ? { 'x-request-id': ctx.requestId } : Object.assign({ 'x-request-id': ctx.requestId }, request.headers)
  return { method: request.method, path: request.path, body: request.body, signal: ctx.signal, headers, apiKey }
}

/** A 401/403 to a key of a rotation: the key leaves it, and the call may go again with the next. */
function keyRejected (client: UpstreamClient, answer: Failed, apiKey: string | undefined, ctx: CallContext, providerId: string): boolean {
  if ((answer.statusCode !== 401 && answer.statusCode !== 403) || apiKey === undefined || !client.keys.reject(apiKey)) return false
  ctx.log?.error({ provider: providerId, key: keyHint(apiKey), status: answer.statusCode }, `${providerId} rejected API key ${keyHint(apiKey)}; it leaves the rotation`)
  return true
}

function failure (answer: Failed, providerId: string, toError: ToError): GatewayError {
  return toError({ providerId, status: answer.statusCode, headers: answer.headers, vendor: parseVendorError(answer.text) })
}

/** The backend answered, then the socket broke mid-body: a cut-off answer, not an unreachable backend. */
function cutOff (err: unknown, providerId: string): unknown {
  if (!(err instanceof AnswerCutOffError)) return err
  if (toGatewayError(err.cause) instanceof UpstreamUnavailableError) {
    return new UpstreamError(`${providerId}: the connection broke before the answer was complete`, { code: 'upstream_stream_broken', cause: err.cause })
  }
  return err.cause
}

function parseJson (answer: WholeAnswer, providerId: string, vectors: boolean): unknown {
  try {
    // Both skip DeepSeek's keep-alive blank lines before the body.
    return vectors ? parseJsonWithVectors(answer.body) : JSON.parse(answer.text)
  } catch {
    throw new UpstreamError(`${providerId}: the answer is not valid JSON`, { code: 'upstream_bad_response' })
  }
}
