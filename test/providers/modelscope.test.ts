// ModelScope API-Inference through the gateway (providers.md §2): the real openai SDK on one side, the fake ModelScope on the other.
import t from 'tap'
import { RateLimitError } from 'openai'
import type OpenAI from 'openai'
import { fakeVector } from '../fixtures/fake-upstreams/index.js'
import { KEYS, openai } from '../helper.js'
import {
  apiError, collect, cutOffAnswerCase, developerAndMaxTokensCase, droppedConnectionCase, embeddingFormatCases, finalToolCallCase,
  gateway, joinDeltas, notJsonCase, quotaExhaustedCase, reasoningOf, rejectedKeyCase, serverErrorCase, streamFailureCases,
  unaskedUsageCase, unknownModelCase, withExtra, type Subject
} from './shared.js'

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming

const THINKING = 'Qwen/Qwen3-235B-A22B-Thinking-2507'
const hello = [{ role: 'user' as const, content: 'Is 17 prime?' }]
const weatherTool: OpenAI.Chat.Completions.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }
}
const modelscope: Subject = { provider: 'modelscope', name: 'ModelScope', model: 'modelscope/Qwen/Qwen3-32B', messages: hello }

t.test('a non-streaming request to a thinking model is streamed upstream, aggregated, and returns reasoning_content', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'text', content: 'Yes, 17 is prime.', reasoning: 'Check divisors up to 4.' })
  const { data, response } = await client.chat.completions.create({ model: `modelscope/${THINKING}`, messages: hello }).withResponse()

  t.equal(data.model, `modelscope/${THINKING}`)
  t.equal(data.object, 'chat.completion')
  t.match(data.id, /^chatcmpl-/)
  t.equal(data.choices[0]?.message.role, 'assistant')
  t.equal(data.choices[0]?.message.content, 'Yes, 17 is prime.')
  t.equal(reasoningOf(data.choices[0]?.message), 'Check divisors up to 4.')
  t.equal(data.choices[0]?.finish_reason, 'stop')
  t.ok((data.usage?.prompt_tokens ?? 0) > 0)
  t.ok((data.usage?.completion_tokens ?? 0) > 0)
  t.equal(response.headers.get('x-qiao-provider'), 'modelscope')
  t.equal(response.headers.get('x-qiao-model'), THINKING)

  t.equal(fake.requests.length, 1)
  t.match(fake.requests[0], { method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${KEYS.modelscope}` } })
  t.match(fake.requests[0]?.body, { model: THINKING, stream: true, stream_options: { include_usage: true } })
})

t.test('a model id with slashes keeps everything after the provider prefix', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const { data, response } = await client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }).withResponse()
  t.equal(fake.requests[0]?.body.model, 'Qwen/Qwen3-32B')
  t.equal(response.headers.get('x-qiao-model'), 'Qwen/Qwen3-32B')
  t.equal(data.model, 'modelscope/Qwen/Qwen3-32B')
  t.equal(data.choices[0]?.message.content, 'Hello from modelscope')
})

t.test('a bare repository id that only ModelScope lists is routed to ModelScope', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const data = await client.chat.completions.create({ model: 'Qwen/Qwen3-32B', messages: hello })
  t.equal(fake.requests[0]?.body.model, 'Qwen/Qwen3-32B')
  t.equal(data.model, 'Qwen/Qwen3-32B')
})

t.test('a streamed answer from a thinking model delivers reasoning then content under the requested model name', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'text', content: 'Yes, 17 is prime.', reasoning: 'Check divisors up to 4.' })
  const { data: stream, response } = await client.chat.completions.create({ model: `modelscope/${THINKING}`, messages: hello, stream: true }).withResponse()
  const chunks = await collect(stream)

  t.equal(response.headers.get('x-qiao-provider'), 'modelscope')
  t.equal(response.headers.get('x-qiao-model'), THINKING)
  t.equal(joinDeltas(chunks, 'reasoning_content'), 'Check divisors up to 4.')
  t.equal(joinDeltas(chunks, 'content'), 'Yes, 17 is prime.')
  t.equal(chunks.filter((c) => c.choices[0]?.delta.role === 'assistant').length, 1)
  t.equal(new Set(chunks.map((c) => c.id)).size, 1)
  t.ok(chunks.every((c) => c.model === `modelscope/${THINKING}`))
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop')
  t.ok(chunks.every((c) => c.usage === undefined || c.usage === null))
})

t.test('with include_usage the stream ends with exactly one usage chunk whose choices are empty', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const chunks = await collect(await client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello, stream: true, stream_options: { include_usage: true } }))
  const withUsage = chunks.filter((c) => c.usage !== undefined && c.usage !== null)

  t.equal(withUsage.length, 1)
  t.equal(chunks.at(-1), withUsage[0])
  t.same(withUsage[0]?.choices, [])
  t.ok((withUsage[0]?.usage?.total_tokens ?? 0) > 0)
  t.match(fake.requests[0]?.body, { stream_options: { include_usage: true } })
})

unaskedUsageCase(t, modelscope, { upstreamUsage: true, explicitFalse: true })

t.test('a streamed tool call is announced with index, id and name before its arguments and finishes with tool_calls', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Hangzhou' }, id: 'call_ms1' })
  const chunks = await collect(await client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello, tools: [weatherTool], stream: true }))
  const callDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])

  t.ok(callDeltas.length >= 2)
  t.match(callDeltas[0], { index: 0, id: 'call_ms1', type: 'function', function: { name: 'get_weather' } })
  t.equal(callDeltas[0]?.function?.arguments ?? '', '')
  t.ok(callDeltas.slice(1).every((d) => d.function?.name === undefined))
  t.same(JSON.parse(callDeltas.map((d) => d.function?.arguments ?? '').join('')), { city: 'Hangzhou' })
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls')
})

finalToolCallCase(t, modelscope, weatherTool, { city: 'Hangzhou' })

t.test('a non-streaming tool call is aggregated into one complete call, and the follow-up reaches ModelScope intact', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Hangzhou' }, id: 'call_ms2' })
  const first = await client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello, tools: [weatherTool] })
  const assistant = first.choices[0]?.message
  t.equal(first.choices[0]?.finish_reason, 'tool_calls')
  t.match(assistant?.tool_calls, [{ id: 'call_ms2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Hangzhou"}' } }])

  await client.chat.completions.create({
    model: 'modelscope/Qwen/Qwen3-32B',
    tools: [weatherTool],
    messages: [...hello, assistant as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam, { role: 'tool', tool_call_id: 'call_ms2', content: '18 C' }]
  })
  const sent = fake.requests[1]?.body.messages
  t.match(sent[1], { role: 'assistant', tool_calls: [{ id: 'call_ms2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Hangzhou"}' } }] })
  t.same(sent[2], { role: 'tool', tool_call_id: 'call_ms2', content: '18 C' })
})

developerAndMaxTokensCase(t, modelscope, 100)

t.test('vendor extras such as enable_thinking and thinking_budget reach ModelScope untouched', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const extra = { enable_thinking: true, thinking_budget: 256, vendor_hint: { nested: ['x'] } }
  const data = await client.chat.completions.create(withExtra<ChatParams>({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }, extra))
  t.match(fake.requests[0]?.body, extra)
  t.type(reasoningOf(data.choices[0]?.message), 'string', 'enable_thinking took effect upstream')
})

t.test('embeddings with the SDK default (base64) decode to the exact vectors ModelScope returned', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const { data, response } = await client.embeddings.create({ model: 'modelscope/Qwen/Qwen3-Embedding-8B', input: ['alpha', 'beta'] }).withResponse()

  t.same(data.data.map((d) => d.embedding), [fakeVector('alpha', 6), fakeVector('beta', 6)])
  t.equal(data.model, 'modelscope/Qwen/Qwen3-Embedding-8B')
  t.equal(response.headers.get('x-qiao-model'), 'Qwen/Qwen3-Embedding-8B')
  t.match(fake.requests[0], { path: '/v1/embeddings', headers: { authorization: `Bearer ${KEYS.modelscope}` } })
  t.match(fake.requests[0]?.body, { model: 'Qwen/Qwen3-Embedding-8B', input: ['alpha', 'beta'], encoding_format: 'float' })
})

embeddingFormatCases(t, { provider: 'modelscope', name: 'ModelScope', model: 'modelscope/Qwen/Qwen3-Embedding-8B', upstreamEncoding: 'float' }, 16)

t.test('a large embeddings batch is split across ModelScope calls and comes back in order', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const inputs = Array.from({ length: 40 }, (_, i) => `line ${i}`)
  const data = await client.embeddings.create({ model: 'modelscope/Qwen/Qwen3-Embedding-8B', input: inputs })
  t.ok(fake.requests.length > 1, 'several upstream calls')
  t.same(fake.requests.flatMap((r) => r.body.input), inputs)
  t.same(data.data.map((d) => d.embedding), inputs.map((text) => fakeVector(text, 6)))
})

unknownModelCase(t, modelscope, 'Qwen/Nope-1B', /Qwen\/Nope-1B/)

// ModelScope refuses a token with a plural "errors" body.
rejectedKeyCase(t, modelscope, 'ms-wrong-token-abcdef')

quotaExhaustedCase(t, modelscope, 'a 429 with the daily allowance at 0', {
  kind: 'error',
  status: 429,
  body: { errors: { message: 'Request limit exceeded.', request_id: '30da26a6' } },
  headers: { 'modelscope-ratelimit-requests-remaining': '0' }
}, /Request limit exceeded/)

t.test('a throttling 429 (allowance left) is a RateLimitError the SDK retries, honouring retry-after-ms', async (t) => {
  const { fake, base } = await gateway(t, 'modelscope')
  const throttled = { kind: 'error' as const, status: 429, body: { errors: { message: 'Request limit exceeded.' } }, headers: { 'retry-after-ms': '5' } }
  fake.enqueue(throttled, throttled)
  const data = await openai(base, { maxRetries: 2 }).chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello })
  t.equal(data.choices[0]?.message.content, 'Hello from modelscope')
  t.equal(fake.requests.length, 3)

  fake.enqueue({ ...throttled, headers: { 'retry-after': '2' } })
  const err = await apiError(openai(base).chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }))
  t.ok(err instanceof RateLimitError)
  t.equal(err.headers?.get('retry-after'), '2')
})

serverErrorCase(t, modelscope, { error: { code: 'internal_error', message: 'boom', type: 'api_error' }, request_id: 'x' }, /boom/)

notJsonCase(t, modelscope, 'modelscope/Qwen/Qwen3-Embedding-8B')

droppedConnectionCase(t, modelscope)

cutOffAnswerCase(t, modelscope)

streamFailureCases(t, modelscope, { what: 'a stream ModelScope drops half-way', code: 'upstream_stream_broken' })
