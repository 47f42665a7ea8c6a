// Shared by the routing resilience tests: raw SSE reading (what the SDK hides: [DONE], error events),
// chat requests per fake, and a backend that is down (a port a fake opened and closed again).
import { request, type IncomingMessage } from 'node:http'
import type { Test } from 'tap'
import { startFakeDeepSeek, type FakeUpstream, type RecordedRequest } from '../fixtures/fake-upstreams/index.js'

export const HI = [{ role: 'user' as const, content: 'hi' }]

/** A long answer, so a slow fake (chunkDelayMs) streams it for a while: one chunk per word. */
export const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ')

/** Chat requests a fake received. */
export const chats = (fake: FakeUpstream): RecordedRequest[] =>
  fake.requests.filter((r) => r.method === 'POST' && /\/(chat\/completions|api\/chat)$/.test(r.path))

/** A backend that is gone: the port was opened by a fake and closed again. */
export async function downBackend (): Promise<string> {
  const gone = await startFakeDeepSeek()
  await gone.close()
  return gone.baseUrl
}

/** The data of each SSE event, checking the framing on the way. */
export function sseData (t: Test, body: string): string[] {
  t.ok(body.endsWith('\n\n'), 'the body ends with a complete event')
  const events = body.slice(0, -2).split('\n\n')
  for (const event of events) t.match(event, /^data: [^\n]+$/, 'one data line per event')
  return events.map((event) => event.slice('data: '.length))
}

/** Checks a stream that ended with an error event (and no [DONE]); returns that error and the chunks before it. */
export function assertErrorEnding (t: Test, body: string, code: string): { error: Record<string, unknown>, chunks: any[] } {
  const data = sseData(t, body)
  t.notOk(data.includes('[DONE]'), 'no [DONE]')
  const last = JSON.parse(data.at(-1) ?? '{}')
  t.same(Object.keys(last), ['error'], 'the last event is an error event')
  t.same(Object.keys(last.error ?? {}).sort(), ['code', 'message', 'param', 'type'], "in OpenAI's error shape")
  t.equal(last.error?.type, 'api_error')
  t.equal(last.error?.code, code)
  const chunks = data.slice(0, -1).map((d) => JSON.parse(d))
  t.ok(chunks.every((c) => c.object === 'chat.completion.chunk'), 'chunks before it are completion chunks')
  return { error: last.error, chunks }
}

/** Text content of the chunks, in order. */
export const contentOf = (chunks: any[]): string => chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('')

/** POSTs a chat request with node:http (Connection: close, so no idle keep-alive socket outlives it). */
export async function postChat (base: string, body: Record<string, unknown>): Promise<IncomingMessage> {
  return await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' } }, resolve)
    req.once('error', reject)
    req.end(JSON.stringify({ messages: HI, ...body }))
  })
}

/** Reads a response to its end. */
export async function readAll (response: IncomingMessage): Promise<string> {
  let text = ''
  for await (const piece of response) text += String(piece)
  return text
}
