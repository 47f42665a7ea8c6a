// Per-provider timeouts: before the answer starts a timeout is a 504 (or the next target); once it started,
// a stall or an overrun ends the stream with an OpenAI-shaped error event, never a silent [DONE].
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { APIError } from 'openai'
import { build, listen, providersFor, startFakes } from '../helper.js'
import { gateway, streamChat } from '../providers/shared.js'
import { assertErrorEnding, chats, contentOf, HI, LONG_TEXT, sseData } from './support.js'

/** A non-streamed chat that times out before its answer: a plain 504 upstream_timeout, after one attempt. */
async function assertTimeout504 (t: Test, app: FastifyInstance, model: string): Promise<void> {
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model, messages: HI } })
  t.equal(res.statusCode, 504)
  t.equal(res.headers['x-qiao-error'], 'provider_timeout')
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.match(res.json(), { error: { type: 'api_error', code: 'upstream_timeout', param: null } })
}

/** Two targets for `chat`, DeepSeek then Zhipu, each with these provider settings. */
async function twoTargets (t: Test, overrides: Parameters<typeof providersFor>[1]) {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor(fakes, overrides), models: [{ name: 'chat', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }] })
  return { fakes, base: await listen(app) }
}

t.test('a backend that stalls before its headers is a 504 upstream_timeout after timeouts.firstByte', async (t) => {
  const { fake, app } = await gateway(t, 'deepseek', { provider: { timeouts: { firstByte: '300ms' } } })
  fake.enqueue({ kind: 'hang' })
  await assertTimeout504(t, app, 'deepseek/deepseek-chat')
  t.equal(chats(fake).length, 1)
  await fake.waitForClosedConnections(1)
  t.equal(fake.closedConnections, 1, 'the gateway hung up on the stalled request')
})

t.test('a streamed request that stalls before its headers is a plain 504, not an event stream', async (t) => {
  const { fake, client } = await gateway(t, 'ollama', { provider: { timeouts: { firstByte: '300ms' } } })
  fake.enqueue({ kind: 'hang' })
  const err = await client.chat.completions.create({ model: 'ollama/llama3.2', messages: HI, stream: true }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof APIError)
  t.match(err, { status: 504, code: 'upstream_timeout', type: 'api_error' })
  t.equal((err as APIError).headers?.get('x-qiao-error'), 'provider_timeout')
  t.equal((err as APIError).headers?.get('x-qiao-attempts'), '1')
  t.equal(chats(fake).length, 1)
})

t.test('a target that stalls before its headers hands the request to the next target', async (t) => {
  const { fakes, base } = await twoTargets(t, { timeouts: { firstByte: '300ms' } })
  fakes.deepseek.enqueue({ kind: 'hang' })
  const res = await streamChat(base, { model: 'chat', messages: HI })
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-qiao-provider'), 'zhipu')
  t.equal(res.headers.get('x-qiao-attempts'), '2')
  const data = sseData(t, await res.text())
  t.equal(data.at(-1), '[DONE]')
  t.equal(contentOf(data.slice(0, -1).map((d) => JSON.parse(d))), 'Hello from zhipu')
  t.equal(chats(fakes.deepseek).length, 1)
  t.equal(chats(fakes.zhipu).length, 1)
})

t.test('a stream that stalls between chunks ends with an error event after timeouts.idle', async (t) => {
  // A second target and retries are available: neither may be used once the answer started.
  const { fakes, base } = await twoTargets(t, { retries: 1, timeouts: { idle: '300ms' } })
  fakes.deepseek.enqueue({ kind: 'stallMidStream' })
  const res = await streamChat(base, { model: 'chat', messages: HI })
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-qiao-provider'), 'deepseek')
  t.equal(res.headers.get('x-qiao-attempts'), '1')
  const { chunks } = assertErrorEnding(t, await res.text(), 'upstream_timeout')
  t.ok(chunks.length >= 1, 'the chunks before the stall arrived')
  t.equal(chats(fakes.deepseek).length, 1)
  t.equal(chats(fakes.zhipu).length, 0)
  await fakes.deepseek.waitForClosedConnections(1)
  t.equal(fakes.deepseek.closedConnections, 1, 'the gateway hung up on the stalled stream')
})

t.test('the SDK raises an APIError for an Ollama stream that stalls between chunks', async (t) => {
  const { fake, client } = await gateway(t, 'ollama', { provider: { timeouts: { idle: '300ms' } } })
  fake.enqueue({ kind: 'stallMidStream' })
  const { data: stream, response } = await client.chat.completions.create({ model: 'ollama/llama3.2', messages: HI, stream: true }).withResponse()
  t.equal(response.headers.get('x-qiao-attempts'), '1')
  let received = 0
  const err = await (async () => { for await (const _chunk of stream) received++ })().then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof APIError, 'an APIError, not a normal end')
  t.match(err, { status: undefined, code: 'upstream_timeout', error: { type: 'api_error' } })
  t.ok(received >= 1, 'the chunks before the stall were delivered')
  t.equal(chats(fake).length, 1)
})

t.test('a non-streamed answer that stalls half-way is a 504 after timeouts.idle', async (t) => {
  const { fake, app } = await gateway(t, 'zhipu', { provider: { timeouts: { idle: '300ms' } } })
  fake.enqueue({ kind: 'stallMidStream' })
  await assertTimeout504(t, app, 'zhipu/glm-4.6')
  t.equal(chats(fake).length, 1)
})

t.test('a slow stream still running at timeouts.total ends with an error event', async (t) => {
  // Each chunk arrives well within the idle timeout; only the total bound can stop this stream.
  const { fake: slow, base } = await gateway(t, 'deepseek', { fake: { chunkDelayMs: 50 }, provider: { retries: 1, timeouts: { total: '500ms', idle: '5s' } } })
  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const res = await streamChat(base, { model: 'deepseek/deepseek-chat', messages: HI })
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-qiao-attempts'), '1')
  const { chunks } = assertErrorEnding(t, await res.text(), 'upstream_timeout')
  const content = contentOf(chunks)
  t.ok(content.length > 0 && content.length < LONG_TEXT.length, 'part of the answer arrived, not all of it')
  t.ok(LONG_TEXT.startsWith(content), 'what arrived is the start of the answer')
  t.equal(chats(slow).length, 1, 'not retried after the first byte')
  await slow.waitForClosedConnections(1)
  t.equal(slow.closedConnections, 1, 'the gateway hung up on the backend')
})

t.test('a non-streamed request still unanswered at timeouts.total is a 504', async (t) => {
  const { fake: slow, app } = await gateway(t, 'ollama', { provider: { timeouts: { total: '300ms' } } })
  slow.enqueue({ kind: 'hang' })
  await assertTimeout504(t, app, 'ollama/llama3.2')
  t.equal(chats(slow).length, 1)
})
