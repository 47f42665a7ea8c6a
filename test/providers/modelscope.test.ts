// ModelScope API-Inference through the gateway (providers.md §2): the real openai SDK on one side, the fake ModelScope on the other.
import t from 'tap'
import { InternalServerError, NotFoundError, RateLimitError } from 'openai'
import type OpenAI from 'openai'
import { fakeVector } from '../fixtures/fake-upstreams/index.js'
import { KEYS, openai } from '../helper.js'
import { apiError, collect, float32Base64, gateway, joinDeltas, rawSse, reasoningOf, withExtra } from './shared.js'

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming

const THINKING = 'Qwen/Qwen3-235B-A22B-Thinking-2507'
const hello = [{ role: 'user' as const, content: 'Is 17 prime?' }]
const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }
}

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

t.test('without include_usage the wire has no usage and ends with [DONE], though ModelScope is still asked for usage', async (t) => {
  const { fake, base } = await gateway(t, 'modelscope')
  const sse = await rawSse(base, { model: 'modelscope/Qwen/Qwen3-32B', messages: hello, stream_options: { include_usage: false } })

  t.equal(sse.status, 200)
  t.ok(sse.done)
  t.ok(sse.text.trimEnd().endsWith('data: [DONE]'))
  t.ok(sse.events.every((e) => e.usage === undefined || e.usage === null))
  t.ok(sse.events.every((e) => e.choices.length > 0))
  t.match(fake.requests[0]?.body, { stream: true, stream_options: { include_usage: true } })
})

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

t.test('finalChatCompletion() assembles a streamed tool call', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Hangzhou' } })
  const final = await client.chat.completions.stream({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello, tools: [weatherTool] }).finalChatCompletion()
  const call = final.choices[0]?.message.tool_calls?.[0]
  t.equal(final.choices[0]?.finish_reason, 'tool_calls')
  t.match(call, { type: 'function', id: /^call_/, function: { name: 'get_weather' } })
  t.same(JSON.parse(call?.type === 'function' ? call.function.arguments : '{}'), { city: 'Hangzhou' })
})

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

t.test('developer becomes system and max_completion_tokens becomes max_tokens', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  await client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: [{ role: 'developer', content: 'Be brief.' }, ...hello], max_completion_tokens: 100 })
  const body = fake.requests[0]?.body
  t.same(body.messages, [{ role: 'system', content: 'Be brief.' }, ...hello])
  t.equal(body.max_tokens, 100)
  t.notOk('max_completion_tokens' in body)
})

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

t.test('embeddings with encoding_format float are number arrays', async (t) => {
  const { client } = await gateway(t, 'modelscope')
  const data = await client.embeddings.create({ model: 'modelscope/Qwen/Qwen3-Embedding-8B', input: 'alpha', encoding_format: 'float' })
  t.same(data.data[0]?.embedding, fakeVector('alpha', 6))
})

t.test('embeddings with an explicit encoding_format base64 are little-endian float32 base64 strings', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const data = await client.embeddings.create({ model: 'modelscope/Qwen/Qwen3-Embedding-8B', input: 'alpha', encoding_format: 'base64' })
  t.equal(data.data[0]?.embedding as unknown, float32Base64(fakeVector('alpha', 6)))
  t.equal(fake.requests[0]?.body.encoding_format, 'float')
})

t.test('embedding dimensions are passed through to ModelScope', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const data = await client.embeddings.create({ model: 'modelscope/Qwen/Qwen3-Embedding-8B', input: 'alpha', dimensions: 16 })
  t.equal(fake.requests[0]?.body.dimensions, 16)
  t.same(data.data[0]?.embedding, fakeVector('alpha', 16))
})

t.test('a large embeddings batch is split across ModelScope calls and comes back in order', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const inputs = Array.from({ length: 40 }, (_, i) => `line ${i}`)
  const data = await client.embeddings.create({ model: 'modelscope/Qwen/Qwen3-Embedding-8B', input: inputs })
  t.ok(fake.requests.length > 1, 'several upstream calls')
  t.same(fake.requests.flatMap((r) => r.body.input), inputs)
  t.same(data.data.map((d) => d.embedding), inputs.map((text) => fakeVector(text, 6)))
})

t.test('an unknown ModelScope model is a 404 carrying code model_not_found', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  const err = await apiError(client.chat.completions.create({ model: 'modelscope/Qwen/Nope-1B', messages: hello }, { headers: { 'x-request-id': 'req-ms-unknown' } }))
  t.ok(err instanceof NotFoundError)
  t.equal(err.code, 'model_not_found')
  t.match(err.message, /Qwen\/Nope-1B/)
  t.equal(err.requestID, 'req-ms-unknown')
  t.equal(fake.requests[0]?.body.model, 'Qwen/Nope-1B')
})

t.test('a token ModelScope rejects (plural "errors" body) becomes 502 upstream_auth_error without the token', async (t) => {
  const wrongKey = 'ms-wrong-token-abcdef'
  const { fake, client } = await gateway(t, 'modelscope', { provider: { apiKey: wrongKey } })
  const err = await apiError(client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }))
  t.ok(err instanceof InternalServerError)
  t.equal(err.status, 502)
  t.equal(err.code, 'upstream_auth_error')
  t.notMatch(err.message, wrongKey)
  t.equal(fake.requests[0]?.headers['authorization'], `Bearer ${wrongKey}`)
  t.equal(err.requestID, err.headers?.get('x-request-id'))
  t.type(err.requestID, 'string')
})

t.test('a 429 with the daily allowance at 0 is a 402 with x-should-retry: false, so the SDK calls once', async (t) => {
  const { fake, base } = await gateway(t, 'modelscope')
  const exhausted = {
    kind: 'error' as const,
    status: 429,
    body: { errors: { message: 'Request limit exceeded.', request_id: '30da26a6' } },
    headers: { 'modelscope-ratelimit-requests-remaining': '0' }
  }
  fake.enqueue(exhausted, exhausted, exhausted)
  const err = await apiError(openai(base, { maxRetries: 2 }).chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }))
  t.equal(err.status, 402)
  t.equal(err.code, 'insufficient_quota')
  t.equal(err.headers?.get('x-should-retry'), 'false')
  t.equal(fake.requests.length, 1)
})

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

t.test('a ModelScope 500 becomes a 502 InternalServerError', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'error', status: 500, body: { error: { code: 'internal_error', message: 'boom', type: 'api_error' }, request_id: 'x' } })
  const err = await apiError(client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }))
  t.ok(err instanceof InternalServerError)
  t.equal(err.status, 502)
  t.equal(err.code, 'upstream_error')
})

t.test('an answer that is not JSON becomes 502 upstream_bad_response', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'garbage' }, { kind: 'garbage' })
  const chat = await apiError(client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }))
  t.ok(chat instanceof InternalServerError)
  t.equal(chat.status, 502)
  t.equal(chat.code, 'upstream_bad_response')
  const embed = await apiError(client.embeddings.create({ model: 'modelscope/Qwen/Qwen3-Embedding-8B', input: 'x' }))
  t.equal(embed.status, 502)
  t.equal(embed.code, 'upstream_bad_response')
})

t.test('a connection ModelScope drops before answering becomes a 503', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'destroy' })
  const err = await apiError(client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }))
  t.ok(err instanceof InternalServerError)
  t.equal(err.status, 503)
  t.equal(err.requestID, err.headers?.get('x-request-id'))
})

t.test('a non-streaming answer whose upstream stream breaks is a 502, not a truncated completion', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'midStreamError' })
  const err = await apiError(client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello }))
  t.ok(err instanceof InternalServerError)
  t.equal(err.status, 502)
  t.equal(err.code, 'upstream_stream_broken')
})

t.test('a stream ModelScope drops half-way makes the SDK throw an APIError', async (t) => {
  const { fake, client } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'midStreamError' })
  const err = await apiError(collect(await client.chat.completions.create({ model: 'modelscope/Qwen/Qwen3-32B', messages: hello, stream: true })))
  t.equal(err.status, undefined)
  t.equal(err.code, 'upstream_stream_broken')
})

t.test('a stream ModelScope drops half-way ends with an error event and no [DONE]', async (t) => {
  const { fake, base } = await gateway(t, 'modelscope')
  fake.enqueue({ kind: 'midStreamError' })
  const sse = await rawSse(base, { model: 'modelscope/Qwen/Qwen3-32B', messages: hello })
  t.equal(sse.status, 200)
  t.notOk(sse.done)
  t.match(sse.events.at(-1), { error: { code: 'upstream_stream_broken' } })
})
