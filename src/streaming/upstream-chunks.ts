// An upstream stream body → batches of OpenAI-shaped chunks, for every adapter: one batch per body buffer,
// handed on as soon as that buffer is read, so a stream costs work per buffer rather than per event.
import { UpstreamError, UpstreamUnavailableError } from '../errors/gateway-error.js'
import { toGatewayError } from '../errors/to-openai-error.js'
import type { ChatCompletionChunk } from '../schemas/openai-types.js'
import { NdjsonParseError } from './ndjson-decoder.js'

export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  readonly destroyed: boolean
  destroy: () => void
  on: (event: 'error', listener: () => void) => unknown
  /** Iterating without destroying the body on an early exit (node:stream's Readable#iterator). */
  iterator?: (options: { destroyOnReturn: boolean }) => AsyncIterable<Uint8Array>
  /** Reads what is left of the response and discards it (undici's body#dump). */
  dump?: (options: { limit: number }) => Promise<unknown>
}

/** What may follow the final event (the chunked terminator, a trailing comment) before the socket is given up. */
const TAIL_LIMIT = 16 * 1024
const TAIL_WAIT_MS = 1_000

/**
 * `decode` splits the body into items (SSE events, NDJSON values); `chunkOf` turns one into a chunk (or
 * nothing), calls `end` on the item that completes the answer (`[DONE]`, Ollama's `done` line) and throws for
 * an upstream error. Batches are never empty; the chunks before a failing item still go out first. A body
 * that ends before the answer is complete, or a socket that breaks, is a broken stream.
 */
export async function * readUpstreamChunks<T> (
  body: UpstreamBody,
  decode: (source: AsyncIterable<Uint8Array>) => AsyncIterable<T[]>,
  chunkOf: (item: T, end: () => void) => ChatCompletionChunk | undefined,
  providerId: string
): AsyncGenerator<ChatCompletionChunk[]> {
  let ended = false
  const end = (): void => { ended = true }
  try {
    for await (const items of decode(body.iterator?.({ destroyOnReturn: false }) ?? body)) {
      const batch: ChatCompletionChunk[] = []
      let failure: { error: unknown } | undefined
      try {
        for (const item of items) {
          const chunk = chunkOf(item, end)
          if (chunk !== undefined) batch.push(chunk)
          if (ended) break
        }
      } catch (error) {
        failure = { error }
      }
      if (batch.length > 0) yield batch
      if (failure !== undefined) throw failure.error
      if (ended) return
    }
    throw new UpstreamError(`${providerId}: the stream ended before it was complete`, { code: 'upstream_stream_broken' })
  } catch (err) {
    if (err instanceof NdjsonParseError) throw new UpstreamError(`${providerId}: a stream line is not valid JSON`, { code: 'upstream_bad_response' })
    // A socket that breaks once the answer has started is a broken stream, not an unreachable backend.
    if (toGatewayError(err) instanceof UpstreamUnavailableError) {
      throw new UpstreamError(`${providerId}: the connection broke during the stream`, { code: 'upstream_stream_broken', cause: err })
    }
    throw err
  } finally {
    if (ended) keepConnection(body)
    else discard(body)
  }
}

/**
 * The answer is complete but the response may not have ended yet (its terminator can arrive in a later
 * read): reading the rest keeps the keep-alive connection for the next request instead of dropping it,
 * which with a real provider would mean a new TCP and TLS handshake per stream.
 */
function keepConnection (body: UpstreamBody): void {
  if (body.destroyed) return
  if (body.dump === undefined) {
    discard(body)
    return
  }
  const giveUp = setTimeout(() => { body.destroy() }, TAIL_WAIT_MS)
  giveUp.unref()
  body.dump({ limit: TAIL_LIMIT }).then(() => { clearTimeout(giveUp) }, () => { clearTimeout(giveUp) })
}

/** Closes the connection: the answer failed or was abandoned. Iterated without destroy-on-return, the body
 * has no reader left to take the abort error it emits now. */
function discard (body: UpstreamBody): void {
  if (body.destroyed) return
  body.on('error', () => {})
  body.destroy()
}
