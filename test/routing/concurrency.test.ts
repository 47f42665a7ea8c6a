// Per-provider concurrency bounds: maxConcurrent requests in flight (a stream holds its slot until it ends),
// maxQueue waiting behind them, and past that a 503 gateway_overloaded with retry-after.
import t, { type Test } from 'tap'
import { gateway, streamChat } from '../providers/shared.js'
import { chats, contentOf, HI, LONG_TEXT, sseData } from './support.js'

const model = 'deepseek/deepseek-chat'

/** One slow DeepSeek (one chunk per word, `chunkDelayMs` apart) allowed one request at a time and `maxQueue` waiting. */
async function oneSlot (t: Test, maxQueue: number, chunkDelayMs = 15) {
  const gw = await gateway(t, 'deepseek', { fake: { chunkDelayMs }, provider: { maxConcurrent: 1, maxQueue } })
  gw.fake.enqueue({ kind: 'text', content: LONG_TEXT })
  return gw
}

const nonStreamed = { method: 'POST' as const, url: '/v1/chat/completions', payload: { model, messages: HI } }

t.test('past maxConcurrent with no queue room a request gets 503 gateway_overloaded with retry-after', async (t) => {
  const { fake: slow, app, base } = await oneSlot(t, 0)
  const first = await streamChat(base, { model, messages: HI })
  t.equal(first.status, 200, 'the slow stream holds the only slot')
  const second = await app.inject(nonStreamed)
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
  const { fake: slow, app, base } = await oneSlot(t, 1)
  const first = await streamChat(base, { model, messages: HI })
  t.equal(first.status, 200)
  const second = app.inject(nonStreamed)
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
  const { fake: slow, app, client } = await oneSlot(t, 0, 20)
  const stream = await client.chat.completions.create({ model, messages: HI, stream: true })
  for await (const chunk of stream) {
    if ((chunk.choices[0]?.delta.content ?? '').includes('word1')) break // leaving the loop aborts the request
  }
  await slow.waitForClosedConnections(1)
  const res = await app.inject(nonStreamed)
  t.equal(res.statusCode, 200, 'the slot is free again')
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.equal(chats(slow).length, 2)
})
