// POST /v1/completions with openai-node's completions.create (JSON and streams) against fakes speaking DeepSeek's
// FIM beta, Ollama's /api/generate and an OpenAI-shaped /completions; refusals, validation and accounting.
import t from 'tap'
import { APIError } from 'openai'
import type { Completion } from 'openai/resources/completions'
import { build, KEYS, listen, openai, providersFor, startFakes } from '../helper.js'
import { startFakeOpenAI } from '../fixtures/fake-upstreams/index.js'

const fakes = await startFakes(t)
const vllm = await startFakeOpenAI()
t.teardown(async () => { await vllm.close() })
const app = await build(t, {
  providers: [
    ...providersFor(fakes),
    { id: 'ds-v1', type: 'deepseek', baseUrl: `${fakes.deepseek.baseUrl}/v1`, apiKey: KEYS.deepseek, retries: 1 },
    { id: 'vllm', type: 'openai', baseUrl: vllm.baseUrl, models: ['qwen2.5-coder-7b'], retries: 0 }
  ]
})
const client = openai(await listen(app))

t.test('DeepSeek FIM: prompt and suffix go to {origin}/beta/completions and a text_completion comes back', async (t) => {
  const answer = await client.completions.create({ model: 'deepseek/deepseek-chat', prompt: 'def add(a, b):\n    return', suffix: '\n\nprint(add(1, 2))', max_tokens: 64 })
  t.equal(answer.object, 'text_completion')
  t.equal(answer.model, 'deepseek/deepseek-chat')
  t.equal(answer.choices[0]?.text, ' /* middle */ ')
  t.equal(answer.choices[0]?.finish_reason, 'stop')
  t.ok((answer.usage?.prompt_tokens ?? 0) > 0)
  t.match(fakes.deepseek.requests.at(-1), {
    path: '/beta/completions',
    headers: { authorization: `Bearer ${KEYS.deepseek}` },
    body: { model: 'deepseek-chat', prompt: 'def add(a, b):\n    return', suffix: '\n\nprint(add(1, 2))', max_tokens: 64, stream: false }
  })
})

t.test('a DeepSeek base URL with /v1 still reaches the beta path off the origin', async (t) => {
  await client.completions.create({ model: 'ds-v1/deepseek-chat', prompt: 'x = ', suffix: '\n' })
  t.equal(fakes.deepseek.requests.at(-1)?.path, '/beta/completions')
})

t.test('a stream with include_usage: text chunks, then usage in its own chunk with no choices', async (t) => {
  const stream = await client.completions.create({ model: 'deepseek/deepseek-chat', prompt: 'Once', stream: true, stream_options: { include_usage: true } })
  let text = ''
  const chunks: Completion[] = []
  for await (const chunk of stream) {
    chunks.push(chunk)
    text += chunk.choices[0]?.text ?? ''
  }
  t.equal(text, ' and so on')
  const last = chunks.at(-1)
  t.same(last?.choices, [])
  t.ok((last?.usage?.total_tokens ?? 0) > 0)
  t.ok(chunks.every((c) => c.object === 'text_completion' && c.model === 'deepseek/deepseek-chat' && c.id === chunks[0]?.id))
})

t.test('a stream without include_usage carries no usage, though qiao asked the backend for it', async (t) => {
  const stream = await client.completions.create({ model: 'deepseek/deepseek-chat', prompt: 'Once', stream: true })
  const chunks: Completion[] = []
  for await (const chunk of stream) chunks.push(chunk)
  t.ok(chunks.every((c) => c.usage === undefined && c.choices.length === 1))
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop')
  t.same(fakes.deepseek.requests.at(-1)?.body.stream_options, { include_usage: true })
})

t.test('/beta/completions answers as editor plugins configured for DeepSeek expect', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/beta/completions', payload: { model: 'deepseek/deepseek-chat', prompt: 'a', suffix: 'b' } })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().choices[0].text, ' /* middle */ ')
})

t.test('Ollama: /api/generate with suffix, raw and options; echo prepends the prompt', async (t) => {
  const answer = await client.completions.create({ model: 'ollama/qwen3:8b', prompt: 'fn main() {', suffix: '}', max_tokens: 32, temperature: 0.2, stop: ['\n\n'], echo: true, raw: true } as never)
  t.equal(answer.choices[0]?.text, 'fn main() { /* middle */ ')
  t.ok((answer.usage?.completion_tokens ?? 0) > 0)
  t.same(fakes.ollama.requests.at(-1)?.body, { model: 'qwen3:8b', prompt: 'fn main() {', suffix: '}', raw: true, stream: false, options: { temperature: 0.2, num_predict: 32, stop: ['\n\n'] } })
})

t.test('Ollama streams NDJSON, translated to SSE with usage from the done line', async (t) => {
  const stream = await client.completions.create({ model: 'ollama/qwen3:8b', prompt: 'Once', stream: true, stream_options: { include_usage: true } })
  let text = ''
  let usage
  for await (const chunk of stream) {
    text += chunk.choices[0]?.text ?? ''
    usage = chunk.usage ?? usage
  }
  t.equal(text, ' and so on')
  t.ok((usage?.prompt_tokens ?? 0) > 0)
  t.match(fakes.ollama.requests.at(-1), { path: '/api/generate', body: { stream: true } })
})

t.test('a failure after the stream started reaches the client as an APIError', async (t) => {
  fakes.ollama.enqueue({ kind: 'midStreamError' })
  const stream = await client.completions.create({ model: 'ollama/qwen3:8b', prompt: 'Once upon a time', stream: true })
  const err = await (async () => { for await (const chunk of stream) t.ok(chunk) })().catch((e: unknown) => e)
  t.type(err, APIError)
  t.match((err as APIError).error, { code: 'upstream_stream_error' })
})

t.test('Ollama refuses what it cannot do: logprobs is a 400 naming the field; its own errors pass as for chat', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/completions', payload: { model: 'ollama/qwen3:8b', prompt: 'a', logprobs: 2 } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error.param, 'logprobs')
  const insert = await app.inject({ method: 'POST', url: '/v1/completions', payload: { model: 'ollama/llama3.2:latest', prompt: 'a', suffix: 'b' } })
  t.equal(insert.statusCode, 400)
  t.match(insert.json().error.message, /does not support insert/)
})

t.test('a type: openai provider is forwarded to {baseUrl}/completions', async (t) => {
  const answer = await client.completions.create({ model: 'vllm/qwen2.5-coder-7b', prompt: 'import ', logprobs: 1 })
  t.equal(answer.choices[0]?.text, ' and so on')
  t.match(vllm.requests.at(-1), { path: '/v1/completions', body: { model: 'qwen2.5-coder-7b', prompt: 'import ', logprobs: 1 } })
})

t.test('Zhipu and ModelScope answer 400: no text completions', async (t) => {
  for (const model of ['zhipu/glm-4.6', 'modelscope/Qwen/Qwen3-32B']) {
    const res = await app.inject({ method: 'POST', url: '/v1/completions', payload: { model, prompt: 'a' } })
    t.equal(res.statusCode, 400, model)
    t.match(res.json().error, { param: 'model', message: /has no text completions API/ })
  }
})

t.test('prompt must be one string', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/completions', payload: { model: 'deepseek/deepseek-chat', prompt: ['a', 'b'] } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error.param, 'prompt')
})

t.test('retries, cost and metrics work as for chat', async (t) => {
  fakes.deepseek.enqueue({ kind: 'error', status: 500, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } })
  const res = await app.inject({ method: 'POST', url: '/v1/completions', payload: { model: 'ds-v1/deepseek-chat', prompt: 'a', suffix: 'b' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-qiao-attempts'], '2')
  t.ok(Number(res.headers['x-qiao-cost']) > 0, 'priced with the built-in deepseek-chat price')
  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /qiao_requests_total\{route="\/v1\/completions",status="200",model="ds-v1\/deepseek-chat",provider="ds-v1",failure=""\} \d+/)
  t.match(metrics, /qiao_tokens_total\{direction="out",model="deepseek\/deepseek-chat",key="anonymous"\} \d+/)
})
