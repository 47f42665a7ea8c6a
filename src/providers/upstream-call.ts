// One upstream call as adapters need it: non-2xx answers become GatewayErrors, JSON bodies are parsed
// with a clear error when they are not JSON.
import { type GatewayError, UpstreamError } from '../errors/gateway-error.js'
import { readCappedText, type UpstreamClient, type UpstreamRequest, type UpstreamResponse } from '../upstream/upstream-client.js'
import type { CallContext } from './types.js'
import { parseVendorError, type UpstreamFailure } from './upstream-errors.js'

export async function callUpstream (
  client: UpstreamClient,
  request: Omit<UpstreamRequest, 'signal'>,
  ctx: CallContext,
  providerId: string,
  toError: (failure: UpstreamFailure) => GatewayError
): Promise<UpstreamResponse> {
  const response = await client.request({ ...request, signal: ctx.signal, headers: { 'x-request-id': ctx.requestId, ...request.headers } })
  if (response.statusCode >= 200 && response.statusCode < 300) return response
  const vendor = parseVendorError(await readCappedText(response.body))
  throw toError({ providerId, status: response.statusCode, headers: response.headers, vendor })
}

export async function readJsonAnswer (response: UpstreamResponse, providerId: string): Promise<unknown> {
  const text = await response.body.text()
  try {
    return JSON.parse(text) // JSON.parse skips DeepSeek's keep-alive blank lines before the body
  } catch {
    throw new UpstreamError(`${providerId}: the answer is not valid JSON`, { code: 'upstream_bad_response' })
  }
}
