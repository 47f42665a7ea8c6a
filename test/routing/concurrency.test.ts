// Per-provider concurrency bounds: maxConcurrent requests in flight (a stream holds its slot until it ends),
// maxQueue waiting behind them, and past that a 503 gateway_overloaded with retry-after.
import t from 'tap'
import { startFakeDeepSeek } from '../fixtures/fake-upstreams/index.js'
import { build, listen, openai, providersFor } from '../helper.js'
import { chats, contentOf, HI, LONG_TEXT, sseData } from './support.js'

t.test('past maxConcurrent with no queue room a request gets 503 gateway_overloaded with retry-after', async (t) => {
  const slow = await startFakeDeepSeek({ chunkDelayMs: 15 })
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: providersFor({ deepseek: slow }, { maxConcurrent: 1, maxQueue: 0 }) })
  const base = await listen(app)
  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const first = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'deepseek/deepseek-chat', messages: HI, stream: true })
  })
  t.equal(first.status, 200, 'the slow stream holds the only slot')
  const second = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: HI } })
  t.equal(second.statusCode, 503)
  t.equal(second.headers['x-qiao-error'], 'gateway_overloaded')
  t.ok(Number(second.headers['retry-after']) > 0, 'with a retry-after')
  t.match(second.json(), { error: { type: 'api_error', code: 'gateway_overloaded' } })
  t.equal(chats(slow).length, 1, 'the refused request never reached the backend')
  const data = sseData(t, await first.text())
  t.equal(data.at(-1), '[DONE]', 'the slow stream was not disturbed')
  t.equal(contentOf(data.slice(0, -1).map((d) => JSON.parse(d))), LONG_TEXT)
})

t.test('with room in the queue a request past maxConcurrent waits for the slot and succeeds', async (t) => {
  const slow = await startFakeDeepSeek({ chunkDelayMs: 15 })
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: providersFor({ deepseek: slow }, { maxConcurrent: 1, maxQueue: 1 }) })
  const base = await listen(app)
  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const first = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'deepseek/deepseek-chat', messages: HI, stream: true })
  })
  t.equal(first.status, 200)
  const second = app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: HI } })
  // Once the second request is queued, the backend must not have seen it yet.
  while (app.resilientCaller.concurrency().find((c) => c.provider === 'deepseek')?.queued !== 1) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(chats(slow).length, 1, 'the queued request waits in the gateway, not at the backend')
  const firstText = await first.text()
  const res = await second
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.equal(res.json().choices[0].message.content, 'Hello from deepseek')
  t.equal(sseData(t, firstText).at(-1), '[DONE]')
  t.equal(chats(slow).length, 2)
})

t.test('a client that aborts mid-stream frees its concurrency slot for the next request', async (t) => {
  const slow = await startFakeDeepSeek({ chunkDelayMs: 20 })
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: providersFor({ deepseek: slow }, { maxConcurrent: 1, maxQueue: 0 }) })
  const client = openai(await listen(app))
  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const stream = await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: HI, stream: true })
  for await (const chunk of stream) {
    if ((chunk.choices[0]?.delta.content ?? '').includes('word1')) break // leaving the loop aborts the request
  }
  await slow.waitForClosedConnections(1)
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: HI } })
  t.equal(res.statusCode, 200, 'the slot is free again')
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.equal(chats(slow).length, 2)
})
