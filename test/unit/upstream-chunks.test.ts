// An upstream body → chunk batches (readUpstreamChunks), over the real SSE and NDJSON decoders.
import t from 'tap'
import { UpstreamError } from '../../src/errors/gateway-error.js'
import type { ChatCompletionChunk } from '../../src/schemas/openai-types.js'
import { decodeNdjson } from '../../src/streaming/ndjson-decoder.js'
import { decodeSse, type SseEvent } from '../../src/streaming/sse-decoder.js'
import { readUpstreamChunks, type UpstreamBody } from '../../src/streaming/upstream-chunks.js'

const enc = new TextEncoder()

/** A body that yields these buffers, then fails with `error` if given; records whether it was destroyed. */
function body (buffers: string[], error?: Error): UpstreamBody {
  const state = {
    destroyed: false,
    destroy () { state.destroyed = true },
    on () { return state },
    async * [Symbol.asyncIterator] () {
      for (const b of buffers) yield enc.encode(b)
      if (error !== undefined) throw error
    }
  }
  return state
}

const sse = (content: string): string => `data: {"choices":[{"index":0,"delta":{"content":"${content}"}}]}\n\n`

/** `[DONE]` ends the answer; `{"fail":…}` stands for an upstream error event. */
function sseChunkOf (event: SseEvent, end: () => void): ChatCompletionChunk | undefined {
  if (event.data === '[DONE]') {
    end()
    return undefined
  }
  const payload = JSON.parse(event.data) as ChatCompletionChunk & { fail?: string }
  if (payload.fail !== undefined) throw new UpstreamError(payload.fail, { code: 'upstream_stream_error' })
  return payload
}

async function read (source: UpstreamBody): Promise<{ batches: string[][], error?: unknown }> {
  const batches: string[][] = []
  try {
    for await (const batch of readUpstreamChunks(source, decodeSse, sseChunkOf, 'p')) {
      batches.push(batch.map((c) => String(c.choices[0]?.delta.content)))
    }
    return { batches }
  } catch (error) {
    return { batches, error }
  }
}

t.test('one batch per body buffer, ending at [DONE], and the body is released', async (t) => {
  const source = body([sse('a') + sse('b'), ': keep-alive\n\n', sse('c') + 'data: [DONE]\n\n' + sse('ignored')])
  const { batches, error } = await read(source)
  t.equal(error, undefined)
  t.same(batches, [['a', 'b'], ['c']], 'a buffer with only a comment yields no batch; nothing after [DONE]')
  t.ok(source.destroyed)
})

t.test('the chunks before an upstream error event still go out, then the error', async (t) => {
  const { batches, error } = await read(body([sse('a') + sse('b') + 'data: {"fail":"overloaded"}\n\n' + sse('c')]))
  t.same(batches, [['a', 'b']])
  t.match(error, { code: 'upstream_stream_error', message: 'overloaded' })
})

t.test('a body that ends before [DONE] is a broken stream', async (t) => {
  const { batches, error } = await read(body([sse('a')]))
  t.same(batches, [['a']])
  t.ok(error instanceof UpstreamError)
  t.match(error, { code: 'upstream_stream_broken', message: 'p: the stream ended before it was complete' })
})

t.test('a socket that breaks mid-stream is a broken stream, not an unreachable backend', async (t) => {
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
  const { batches, error } = await read(body([sse('a')], reset))
  t.same(batches, [['a']])
  t.match(error, { code: 'upstream_stream_broken', message: 'p: the connection broke during the stream' })
})

t.test('a consumer that leaves early releases the body', async (t) => {
  const source = body([sse('a'), sse('b'), 'data: [DONE]\n\n'])
  for await (const batch of readUpstreamChunks(source, decodeSse, sseChunkOf, 'p')) if (batch.length > 0) break
  t.ok(source.destroyed)
})

t.test('an NDJSON line that is not JSON is a bad response; the lines before it still go out', async (t) => {
  const source = body(['{"n":1}\n{"n":2}\n{oops\n'])
  const seen: number[] = []
  const error = await (async () => {
    for await (const batch of readUpstreamChunks(source, decodeNdjson, (line) => ({ choices: [{ index: 0, delta: { content: String((line as { n: number }).n) } }] }), 'p')) {
      seen.push(...batch.map((c) => Number(c.choices[0]?.delta.content)))
    }
  })().catch((e: unknown) => e)
  t.same(seen, [1, 2])
  t.match(error, { code: 'upstream_bad_response', message: 'p: a stream line is not valid JSON' })
})

t.test('the item that ends the answer may carry the last chunk', async (t) => {
  const source = body(['{"n":1}\n{"n":2,"done":true}\n{"n":3}\n'])
  const seen: number[] = []
  for await (const batch of readUpstreamChunks(source, decodeNdjson, (line, end) => {
    const { n, done } = line as { n: number, done?: boolean }
    if (done === true) end()
    return { choices: [{ index: 0, delta: { content: String(n) } }] }
  }, 'p')) seen.push(...batch.map((c) => Number(c.choices[0]?.delta.content)))
  t.same(seen, [1, 2])
})
