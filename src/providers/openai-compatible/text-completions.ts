// Legacy text completions against an OpenAI-shaped `/completions` (DeepSeek's FIM beta, any `openai` server):
// the request passes through, usage is always asked for in streams (qiao accounts it), SSE is read as for chat.
import { UpstreamError } from '../../errors/gateway-error.js'
import { decodeSse, type SseEvent } from '../../streaming/sse-decoder.js'
import type { UpstreamResponse } from '../../upstream/upstream-client.js'
import { asTextCompletion, readTextChunks } from '../text-chunks.js'
import type { CallContext, TextCompletion, TextCompletionRequest, TextCompletionStream } from '../types.js'
import { parseVendorError } from '../upstream-errors.js'

export interface Transport {
  json: (body: unknown, ctx: CallContext) => Promise<unknown>
  stream: (body: unknown, ctx: CallContext) => Promise<UpstreamResponse>
}

export async function textCompletion (transport: Transport, request: TextCompletionRequest, ctx: CallContext, providerId: string): Promise<TextCompletion> {
  const body: Record<string, unknown> = { ...request, stream: false }
  delete body['stream_options']
  return asTextCompletion(await transport.json(body, ctx), providerId)
}

export async function textCompletionStream (transport: Transport, request: TextCompletionRequest, ctx: CallContext, providerId: string): Promise<TextCompletionStream> {
  const options = (request['stream_options'] ?? {}) as Record<string, unknown>
  const body = { ...request, stream: true, stream_options: { ...options, include_usage: true } }
  const response = await transport.stream(body, ctx)
  return { chunks: readTextChunks(response.body, decodeSse, (event: SseEvent, end) => chunkOf(event, end, providerId), providerId) }
}

function chunkOf (event: SseEvent, end: () => void, providerId: string): TextCompletion | undefined {
  const payload = eventPayload(event, end, providerId)
  return payload === undefined ? undefined : asTextCompletion(payload, providerId)
}

/** One SSE event of an OpenAI-shaped stream: its JSON, nothing for `[DONE]` (which ends it), or the in-band error thrown. */
export function eventPayload (event: SseEvent, end: () => void, providerId: string): unknown {
  if (event.data === '[DONE]') {
    end()
    return undefined
  }
  let payload: unknown
  try {
    payload = JSON.parse(event.data)
  } catch {
    throw new UpstreamError(`${providerId}: a stream event is not valid JSON`, { code: 'upstream_bad_response' })
  }
  const error = (payload as { error?: unknown } | null)?.error
  if (error !== undefined && error !== null) {
    throw new UpstreamError(`${providerId}: ${parseVendorError(JSON.stringify(payload)).message}`, { code: 'upstream_stream_error' })
  }
  return payload
}
