// POST /v1/chat/completions: which backend serves which `model`, alias fall-through, the unprefixed
// routes, and the SSE framing a client reads.
import t, { type Test } from 'tap'
import OpenAI from 'openai'
import { build, KEYS, listen, providersFor, startFakes, type Fakes } from '../helper.js'
import { startFakeDeepSeek, type FakeUpstream, type RecordedRequest } from '../fixtures/fake-upstreams/index.js'

const HI = [{ role: 'user' as const, content: 'hi' }]

const fakes = await startFakes(t)
// A provider whose backend is gone: its port was opened by a fake and closed again.
const gone = await startFakeDeepSeek()
await gone.close()
const app = await build(t, {
  providers: [
    ...providersFor(fakes),
    { id: 'offline', type: 'deepseek', baseUrl: gone.baseUrl, apiKey: KEYS.deepseek, models: ['offline-chat'], retries: 0 }
  ],
  // retries: 0, so a failing first target is tried once before the next (attempts = 2).
  models: [
    { name: 'fast', targets: [{ target: 'deepseek/deepseek-chat', retries: 0 }, 'zhipu/glm-4.6'] },
    { name: 'resilient', targets: [{ target: 'offline/deepseek-chat', retries: 0 }, 'zhipu/glm-4.6'] }
  ]
})
const base = await listen(app)

const chat = async (body: Record<string, unknown>, url = '/v1/chat/completions') =>
  await app.inject({ method: 'POST', url, payload: { messages: HI, ...body } })

/** Chat requests a fake received since `from`. */
const chatsSince = (fake: FakeUpstream, from: number) =>
  fake.requests.slice(from).filter((r) => r.method === 'POST' && /\/(chat\/completions|api\/chat)$/.test(r.path))

/** Runs `fn` and returns the chat requests each fake received meanwhile. */
async function recording<T> (fn: () => Promise<T>): Promise<{ result: T, seen: Record<keyof Fakes, RecordedRequest[]> }> {
  const { deepseek, zhipu, modelscope, ollama } = fakes
  const start = { deepseek: deepseek.requests.length, zhipu: zhipu.requests.length, modelscope: modelscope.requests.length, ollama: ollama.requests.length }
  const result = await fn()
  return {
    result,
    seen: {
      deepseek: chatsSince(deepseek, start.deepseek),
      zhipu: chatsSince(zhipu, start.zhipu),
      modelscope: chatsSince(modelscope, start.modelscope),
      ollama: chatsSince(ollama, start.ollama)
    }
  }
}

function assertServedBy (t: Test, res: { statusCode: number, headers: Record<string, unknown> }, provider: string, upstreamModel: string, attempts = 1): void {
  t.equal(res.statusCode, 200, 'status')
  t.equal(res.headers['x-qiao-provider'], provider, 'x-qiao-provider')
  t.equal(res.headers['x-qiao-model'], upstreamModel, 'x-qiao-model')
  t.equal(res.headers['x-qiao-attempts'], String(attempts), 'x-qiao-attempts')
}

t.test('an alias is served by its first target and answers under the alias name', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'fast' }))
  assertServedBy(t, res, 'deepseek', 'deepseek-chat')
  t.equal(res.json().model, 'fast')
  t.equal(res.json().choices[0].message.content, 'Hello from deepseek')
  t.equal(seen.deepseek.length, 1)
  t.equal(seen.deepseek[0]?.body.model, 'deepseek-chat', 'the backend gets its own model name')
  t.equal(seen.zhipu.length, 0, 'the second target is not asked')
})

t.test('provider/model addresses that provider with the part after the first slash', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'zhipu/glm-4.6' }))
  assertServedBy(t, res, 'zhipu', 'glm-4.6')
  t.equal(res.json().model, 'zhipu/glm-4.6')
  t.equal(seen.zhipu[0]?.body.model, 'glm-4.6')
})

t.test('a bare model name listed by exactly one provider goes to that provider', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'glm-4.5-air' }))
  assertServedBy(t, res, 'zhipu', 'glm-4.5-air')
  t.equal(res.json().model, 'glm-4.5-air')
  t.equal(seen.zhipu[0]?.body.model, 'glm-4.5-air')
})

t.test('a bare Ollama name without :latest resolves to the discovered name:latest', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'llama3.2' }))
  assertServedBy(t, res, 'ollama', 'llama3.2:latest')
  t.equal(res.json().model, 'llama3.2', 'the client sees the name it sent')
  t.equal(seen.ollama[0]?.body.model, 'llama3.2:latest')
})

t.test('a bare Ollama name with :latest goes to Ollama unchanged', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'llama3.2:latest' }))
  assertServedBy(t, res, 'ollama', 'llama3.2:latest')
  t.equal(seen.ollama[0]?.body.model, 'llama3.2:latest')
})

t.test('a bare Ollama name with a non-latest tag goes to Ollama', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'qwen3:8b' }))
  assertServedBy(t, res, 'ollama', 'qwen3:8b')
  t.equal(seen.ollama[0]?.body.model, 'qwen3:8b')
})

t.test('ollama/<name> without a tag is sent to Ollama as written', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'ollama/llama3.2' }))
  assertServedBy(t, res, 'ollama', 'llama3.2')
  t.equal(res.json().choices[0].message.content, 'Hello from ollama')
  t.equal(seen.ollama[0]?.body.model, 'llama3.2')
})

t.test('modelscope/Qwen/Qwen3-32B splits at the first slash only', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'modelscope/Qwen/Qwen3-32B' }))
  assertServedBy(t, res, 'modelscope', 'Qwen/Qwen3-32B')
  t.equal(res.json().model, 'modelscope/Qwen/Qwen3-32B')
  t.equal(seen.modelscope[0]?.body.model, 'Qwen/Qwen3-32B')
})

t.test('a bare ModelScope name containing a slash is found in the provider list', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'Qwen/Qwen3-32B' }))
  assertServedBy(t, res, 'modelscope', 'Qwen/Qwen3-32B')
  t.equal(seen.modelscope[0]?.body.model, 'Qwen/Qwen3-32B')
})

t.test('an alias whose first provider is unreachable falls through to the second target', async (t) => {
  const { result: res, seen } = await recording(async () => await chat({ model: 'resilient' }))
  assertServedBy(t, res, 'zhipu', 'glm-4.6', 2)
  t.equal(res.json().model, 'resilient')
  t.equal(res.json().choices[0].message.content, 'Hello from zhipu')
  t.equal(seen.zhipu.length, 1)
})

t.test('a streamed alias whose first provider is unreachable falls through to the second target', async (t) => {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'resilient', messages: HI, stream: true })
  })
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-qiao-provider'), 'zhipu')
  t.equal(res.headers.get('x-qiao-attempts'), '2')
  t.match(await res.text(), /data: \[DONE\]\n\n$/)
})

t.test('an alias whose first target answers 503 falls through to the second target', async (t) => {
  fakes.deepseek.enqueue({ kind: 'error', status: 503, body: { error: { message: 'Server overloaded', type: 'server_error', param: null, code: null } } })
  const { result: res, seen } = await recording(async () => await chat({ model: 'fast' }))
  assertServedBy(t, res, 'zhipu', 'glm-4.6', 2)
  t.equal(seen.deepseek.length, 1)
  t.equal(seen.zhipu.length, 1)
})

t.test('an alias whose first target answers 400 does not fall through', async (t) => {
  fakes.deepseek.enqueue({ kind: 'error', status: 400, body: { error: { message: 'Invalid max_tokens value', type: 'invalid_request_error', param: null, code: 'invalid_request_error' } } })
  const { result: res, seen } = await recording(async () => await chat({ model: 'fast' }))
  t.equal(res.statusCode, 400)
  t.match(res.json().error, { type: 'invalid_request_error', message: /Invalid max_tokens value/ })
  t.equal(seen.deepseek.length, 1)
  t.equal(seen.zhipu.length, 0, 'the second target would refuse the same request')
})

t.test('the chat route without /v1 is the same route', async (t) => {
  const res = await chat({ model: 'zhipu/glm-4.6' }, '/chat/completions')
  assertServedBy(t, res, 'zhipu', 'glm-4.6')
  t.equal(res.json().object, 'chat.completion')
})

t.test('the SDK works with a base URL without /v1', async (t) => {
  const client = new OpenAI({ baseURL: base, apiKey: 'unused', maxRetries: 0 })
  const completion = await client.chat.completions.create({ model: 'fast', messages: HI })
  t.equal(completion.choices[0]?.message.content, 'Hello from deepseek')
  const models = await client.models.list()
  t.ok(models.data.some((m) => m.id === 'fast'))
})

t.test('the SDK streams with a base URL without /v1', async (t) => {
  const client = new OpenAI({ baseURL: base, apiKey: 'unused', maxRetries: 0 })
  const stream = await client.chat.completions.create({ model: 'ollama/llama3.2', messages: HI, stream: true })
  let text = ''
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
  t.equal(text, 'Hello from ollama')
})

/** Splits an SSE body into its events; asserts the framing of each. */
function sseEvents (t: Test, body: string): string[] {
  t.ok(body.endsWith('\n\n'), 'the body ends with a complete event')
  const events = body.slice(0, -2).split('\n\n')
  for (const event of events) t.match(event, /^data: [^\n]+$/, 'one data line per event')
  return events.map((event) => event.slice('data: '.length))
}

for (const model of ['deepseek/deepseek-chat', 'zhipu/glm-4.6', 'ollama/llama3.2', 'modelscope/Qwen/Qwen3-32B']) {
  t.test(`the ${model} stream is SSE with one id, JSON data events and a final [DONE]`, async (t) => {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'sse-1' },
      body: JSON.stringify({ model, messages: HI, stream: true })
    })
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /^text\/event-stream/)
    t.equal(res.headers.get('x-request-id'), 'sse-1')
    const data = sseEvents(t, await res.text())
    t.equal(data.at(-1), '[DONE]', 'the last event is [DONE]')
    t.equal(data.filter((d) => d === '[DONE]').length, 1, '[DONE] only once')
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d))
    t.ok(chunks.length >= 2)
    t.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id for all chunks')
    t.match(chunks[0].id, /^chatcmpl-/)
    t.equal(new Set(chunks.map((c) => c.created)).size, 1, 'one created for all chunks')
    t.same([...new Set(chunks.map((c) => c.model))], [model], 'the requested model name')
    t.ok(chunks.every((c) => c.object === 'chat.completion.chunk'))
    t.equal(chunks.filter((c) => c.choices[0]?.delta.role !== undefined).length, 1, 'role once')
    t.equal(chunks.at(-1).choices[0].finish_reason, 'stop')
    t.ok(chunks.every((c) => 'finish_reason' in c.choices[0]), 'finish_reason present in every chunk')
  })
}

for (const [name, fake, model, code] of [
  ['an SSE backend that drops the connection', fakes.deepseek, 'deepseek/deepseek-chat', 'upstream_stream_broken'],
  ['an Ollama stream that ends with an error line', fakes.ollama, 'ollama/llama3.2', 'upstream_stream_error']
] as const) {
  t.test(`${name} mid-stream ends the stream with an error event and no [DONE]`, async (t) => {
    fake.enqueue({ kind: 'midStreamError' })
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: HI, stream: true })
    })
    t.equal(res.status, 200, 'the status was sent before the failure')
    const data = sseEvents(t, await res.text())
    t.notOk(data.includes('[DONE]'), 'no [DONE]')
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d))
    t.ok(chunks.length >= 1, 'the chunks sent before the failure arrive')
    t.ok(chunks.every((c) => c.object === 'chat.completion.chunk'))
    const last = JSON.parse(data.at(-1) ?? '{}')
    t.same(Object.keys(last), ['error'])
    t.same(Object.keys(last.error).sort(), ['code', 'message', 'param', 'type'])
    t.equal(last.error.type, 'api_error')
    t.equal(last.error.code, code)
  })
}

t.test('the SDK raises an APIError for a stream that fails mid-way', async (t) => {
  fakes.zhipu.enqueue({ kind: 'midStreamError' })
  const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 })
  const stream = await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: HI, stream: true })
  let received = 0
  const err = await (async () => { for await (const _chunk of stream) received++ })().catch((e: unknown) => e)
  t.ok(err instanceof OpenAI.APIError, 'an APIError')
  t.match(err, { status: undefined, code: 'upstream_stream_broken', error: { type: 'api_error' } })
  t.ok(received >= 1, 'chunks before the failure were delivered')
})
