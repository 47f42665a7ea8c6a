// Per-provider timeouts: before the answer starts a timeout is a 504 (or the next target); once it started,
// a stall or an overrun ends the stream with an OpenAI-shaped error event, never a silent [DONE].
import t from 'tap'
import { APIError } from 'openai'
import { startFakeDeepSeek, startFakeOllama } from '../fixtures/fake-upstreams/index.js'
import { build, listen, openai, providersFor, startFakes } from '../helper.js'
import { assertErrorEnding, chats, contentOf, HI, LONG_TEXT, sseData } from './support.js'

const streamChat = async (base: string, model: string) => await fetch(`${base}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model, messages: HI, stream: true })
})

t.test('a backend that stalls before its headers is a 504 upstream_timeout after timeouts.firstByte', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { timeouts: { firstByte: '300ms' } }) })
  fakes.deepseek.enqueue({ kind: 'hang' })
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: HI } })
  t.equal(res.statusCode, 504)
  t.equal(res.headers['x-qiao-error'], 'provider_timeout')
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.match(res.json(), { error: { type: 'api_error', code: 'upstream_timeout', param: null } })
  t.equal(chats(fakes.deepseek).length, 1)
  await fakes.deepseek.waitForClosedConnections(1)
  t.equal(fakes.deepseek.closedConnections, 1, 'the gateway hung up on the stalled request')
})

t.test('a streamed request that stalls before its headers is a plain 504, not an event stream', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ ollama: fakes.ollama }, { timeouts: { firstByte: '300ms' } }) })
  const client = openai(await listen(app))
  fakes.ollama.enqueue({ kind: 'hang' })
  const err = await client.chat.completions.create({ model: 'ollama/llama3.2', messages: HI, stream: true }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof APIError)
  t.match(err, { status: 504, code: 'upstream_timeout', type: 'api_error' })
  t.equal((err as APIError).headers?.get('x-qiao-error'), 'provider_timeout')
  t.equal((err as APIError).headers?.get('x-qiao-attempts'), '1')
  t.equal(chats(fakes.ollama).length, 1)
})

t.test('a target that stalls before its headers hands the request to the next target', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: providersFor(fakes, { timeouts: { firstByte: '300ms' } }),
    models: [{ name: 'chat', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }]
  })
  const base = await listen(app)
  fakes.deepseek.enqueue({ kind: 'hang' })
  const res = await streamChat(base, 'chat')
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
  const fakes = await startFakes(t)
  // A second target and retries are available: neither may be used once the answer started.
  const app = await build(t, {
    providers: providersFor(fakes, { retries: 1, timeouts: { idle: '300ms' } }),
    models: [{ name: 'chat', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }]
  })
  const base = await listen(app)
  fakes.deepseek.enqueue({ kind: 'stallMidStream' })
  const res = await streamChat(base, 'chat')
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
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ ollama: fakes.ollama }, { timeouts: { idle: '300ms' } }) })
  const client = openai(await listen(app))
  fakes.ollama.enqueue({ kind: 'stallMidStream' })
  const { data: stream, response } = await client.chat.completions.create({ model: 'ollama/llama3.2', messages: HI, stream: true }).withResponse()
  t.equal(response.headers.get('x-qiao-attempts'), '1')
  let received = 0
  const err = await (async () => { for await (const _chunk of stream) received++ })().then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof APIError, 'an APIError, not a normal end')
  t.match(err, { status: undefined, code: 'upstream_timeout', error: { type: 'api_error' } })
  t.ok(received >= 1, 'the chunks before the stall were delivered')
  t.equal(chats(fakes.ollama).length, 1)
})

t.test('a non-streamed answer that stalls half-way is a 504 after timeouts.idle', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ zhipu: fakes.zhipu }, { timeouts: { idle: '300ms' } }) })
  fakes.zhipu.enqueue({ kind: 'stallMidStream' })
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'zhipu/glm-4.6', messages: HI } })
  t.equal(res.statusCode, 504)
  t.equal(res.headers['x-qiao-error'], 'provider_timeout')
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.match(res.json(), { error: { type: 'api_error', code: 'upstream_timeout' } })
  t.equal(chats(fakes.zhipu).length, 1)
})

t.test('a slow stream still running at timeouts.total ends with an error event', async (t) => {
  const slow = await startFakeDeepSeek({ chunkDelayMs: 50 })
  t.teardown(async () => { await slow.close() })
  // Each chunk arrives well within the idle timeout; only the total bound can stop this stream.
  const app = await build(t, { providers: providersFor({ deepseek: slow }, { retries: 1, timeouts: { total: '500ms', idle: '5s' } }) })
  const base = await listen(app)
  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const res = await streamChat(base, 'deepseek/deepseek-chat')
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
  const slow = await startFakeOllama()
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: providersFor({ ollama: slow }, { timeouts: { total: '300ms' } }) })
  slow.enqueue({ kind: 'hang' })
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'ollama/llama3.2', messages: HI } })
  t.equal(res.statusCode, 504)
  t.equal(res.headers['x-qiao-error'], 'provider_timeout')
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.match(res.json(), { error: { type: 'api_error', code: 'upstream_timeout' } })
  t.equal(chats(slow).length, 1)
})
