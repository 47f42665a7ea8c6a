// One upstream call as adapters need it: non-2xx answers become GatewayErrors, JSON bodies are parsed
// with a clear error when they are not JSON.
import { type GatewayError, UpstreamError, UpstreamUnavailableError } from '../errors/gateway-error.js'
import { toGatewayError } from '../errors/to-openai-error.js'
import { readCappedText, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from '../upstream/upstream-client.js'
import { keyHint } from '../upstream/key-ring.js'
import type { CallContext } from './types.js'
import { parseVendorError, type UpstreamFailure } from './upstream-errors.js'

export async function callUpstream (
  client: UpstreamClient,
  request: Omit<UpstreamRequest, 'signal'>,
  ctx: CallContext,
  providerId: string,
  toError: (failure: UpstreamFailure) => GatewayError
): Promise<UpstreamResponse> {
  for (;;) {
    const apiKey = client.keys.take()
    const response = await client.request({ ...request, apiKey, signal: ctx.signal, headers: { 'x-request-id': ctx.requestId, ...request.headers } })
    if (response.statusCode >= 200 && response.statusCode < 300) return response
    const vendor = parseVendorError(await readCappedText(response.body))
    // A key the backend rejects leaves the rotation and this request goes again with the next key.
    if ((response.statusCode === 401 || response.statusCode === 403) && apiKey !== undefined && client.keys.reject(apiKey)) {
      ctx.log?.error({ provider: providerId, key: keyHint(apiKey), status: response.statusCode }, `${providerId} rejected API key ${keyHint(apiKey)}; it leaves the rotation`)
      continue
    }
    throw toError({ providerId, status: response.statusCode, headers: response.headers, vendor })
  }
}

export async function readJsonAnswer (response: UpstreamResponse, providerId: string): Promise<unknown> {
  let text: string
  try {
    text = await response.body.text()
  } catch (err) {
    // The backend answered, then the socket broke mid-body: a cut-off answer, not an unreachable backend.
    if (toGatewayError(err) instanceof UpstreamUnavailableError) {
      throw new UpstreamError(`${providerId}: the connection broke before the answer was complete`, { code: 'upstream_stream_broken', cause: err })
    }
    throw err
  }
  try {
    return JSON.parse(text) // JSON.parse skips DeepSeek's keep-alive blank lines before the body
  } catch {
    throw new UpstreamError(`${providerId}: the answer is not valid JSON`, { code: 'upstream_bad_response' })
  }
}
