// Ollama's native API through the gateway (providers.md §1): the real openai SDK on one side, the fake Ollama on the other.
import t from 'tap'
import { BadRequestError } from 'openai'
import type OpenAI from 'openai'
import { fakeVector } from '../fixtures/fake-upstreams/index.js'
import {
  apiError, clientAbortCase, collect, droppedConnectionCase, embeddingFormatCases, finalToolCallCase, garbageStreamCase, gateway,
  joinDeltas, notJsonCase, nTooLargeCase, rateLimitedCase, reasoningOf, refusedCase, rejectedKeyCase, serverErrorCase,
  streamFailureCases, unaskedUsageCase, unknownModelCase, withExtra, type Subject
} from './shared.js'

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming

const hello = [{ role: 'user' as const, content: 'Why is the sky blue?' }]
const weatherTool: OpenAI.Chat.Completions.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Get weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
}
const ollama: Subject = { provider: 'ollama', name: 'Ollama', model: 'ollama/llama3.2', messages: hello }

t.test('a non-streaming answer is translated from native Ollama, with usage from the eval counts', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  fake.enqueue({ kind: 'text', content: 'Rayleigh scattering.', usage: { prompt: 26, completion: 282 } })
  const { data, response } = await client.chat.completions.create({ model: 'ollama/llama3.2', messages: hello }).withResponse()

  t.equal(data.model, 'ollama/llama3.2')
  t.equal(data.object, 'chat.completion')
  t.match(data.id, /^chatcmpl-/)
  t.equal(data.choices[0]?.message.role, 'assistant')
  t.equal(data.choices[0]?.message.content, 'Rayleigh scattering.')
  t.equal(data.choices[0]?.finish_reason, 'stop')
  t.same(data.usage, { prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 })
  t.equal(response.headers.get('x-qiao-provider'), 'ollama')
  t.equal(response.headers.get('x-qiao-model'), 'llama3.2')

  t.equal(fake.requests.length, 1)
  t.match(fake.requests[0], { method: 'POST', path: '/api/chat' })
  t.equal(fake.requests[0]?.headers['authorization'], undefined, 'local Ollama gets no credentials')
  t.same(fake.requests[0]?.body, { model: 'llama3.2', messages: hello, stream: false }, 'stream: false is explicit (Ollama streams by default)')
})

t.test("a thinking model's native thinking comes back as reasoning_content", async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  fake.enqueue({ kind: 'text', content: 'Because of scattering.', reasoning: 'Think about light.' })
  const data = await client.chat.completions.create({ model: 'ollama/qwen3:8b', messages: hello })
  t.equal(data.choices[0]?.message.content, 'Because of scattering.')
  t.equal(reasoningOf(data.choices[0]?.message), 'Think about light.')
  t.equal(data.model, 'ollama/qwen3:8b')
})

t.test('a streamed answer delivers thinking then content deltas under one id and the requested model', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  fake.enqueue({ kind: 'text', content: 'Because of scattering.', reasoning: 'Think about light.' })
  const { data: stream, response } = await client.chat.completions.create({ model: 'ollama/qwen3:8b', messages: hello, stream: true }).withResponse()
  const chunks = await collect(stream)

  t.equal(response.headers.get('x-qiao-provider'), 'ollama')
  t.equal(response.headers.get('x-qiao-model'), 'qwen3:8b')
  t.equal(joinDeltas(chunks, 'reasoning_content'), 'Think about light.')
  t.equal(joinDeltas(chunks, 'content'), 'Because of scattering.')
  t.equal(chunks.filter((c) => c.choices[0]?.delta.role === 'assistant').length, 1)
  t.equal(new Set(chunks.map((c) => c.id)).size, 1)
  t.ok(chunks.every((c) => c.model === 'ollama/qwen3:8b' && c.object === 'chat.completion.chunk'))
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop')
  t.ok(chunks.every((c) => c.usage === undefined || c.usage === null))
  t.match(fake.requests[0]?.body, { model: 'qwen3:8b', stream: true })
})

t.test('with include_usage the eval counts of the done line come as one final choices: [] chunk', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  fake.enqueue({ kind: 'text', content: 'Short.', usage: { prompt: 26, completion: 282 } })
  const chunks = await collect(await client.chat.completions.create({ model: 'ollama/llama3.2', messages: hello, stream: true, stream_options: { include_usage: true } }))
  const withUsage = chunks.filter((c) => c.usage !== undefined && c.usage !== null)

  t.equal(withUsage.length, 1)
  t.equal(chunks.at(-1), withUsage[0])
  t.same(withUsage[0]?.choices, [])
  t.same(withUsage[0]?.usage, { prompt_tokens: 26, completion_tokens: 282, total_tokens: 308 })
  t.notOk('stream_options' in fake.requests[0]?.body, 'the native API has no stream_options')
})

unaskedUsageCase(t, ollama, { upstreamUsage: false, explicitFalse: false })

t.test('a whole native tool call is announced (index, id, name) before its arguments and finishes with tool_calls', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Tokyo' }, id: 'call_k2x' })
  const chunks = await collect(await client.chat.completions.create({ model: 'ollama/llama3.2', messages: hello, tools: [weatherTool], stream: true }))
  const withCalls = chunks.filter((c) => c.choices[0]?.delta.tool_calls !== undefined)

  t.equal(withCalls.length, 2)
  t.same(withCalls[0]?.choices[0]?.delta.tool_calls, [{ index: 0, id: 'call_k2x', type: 'function', function: { name: 'get_weather', arguments: '' } }])
  t.same(withCalls[1]?.choices[0]?.delta.tool_calls, [{ index: 0, function: { arguments: '{"city":"Tokyo"}' } }])
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls', 'even though Ollama said done_reason "stop"')
  t.same(fake.requests[0]?.body.tools, [weatherTool])
})

finalToolCallCase(t, ollama, weatherTool, { city: 'Tokyo' })

t.test('a tool-call follow-up reaches Ollama with object arguments and tool_name on the tool message', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Tokyo' }, id: 'call_1' })
  const first = await client.chat.completions.create({ model: 'ollama/llama3.2', messages: hello, tools: [weatherTool] })
  t.equal(first.choices[0]?.finish_reason, 'tool_calls')
  const assistant = first.choices[0]?.message as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam
  fake.enqueue({ kind: 'text', content: 'It is 11 C and cloudy.' })
  const second = await client.chat.completions.create({
    model: 'ollama/llama3.2',
    tools: [weatherTool],
    messages: [...hello, assistant, { role: 'tool', tool_call_id: 'call_1', content: '11 C, cloudy' }]
  })

  t.equal(second.choices[0]?.message.content, 'It is 11 C and cloudy.')
  const sent = fake.requests[1]?.body.messages
  t.same(sent[1], { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }] })
  t.same(sent[2], { role: 'tool', tool_call_id: 'call_1', tool_name: 'get_weather', content: '11 C, cloudy' })
})

t.test('developer becomes system and sampling fields become options, max_completion_tokens as num_predict', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  await client.chat.completions.create({
    model: 'ollama/llama3.2',
    messages: [{ role: 'developer', content: 'Answer briefly.' }, ...hello],
    max_completion_tokens: 512,
    temperature: 0.7,
    top_p: 0.9,
    seed: 42,
    stop: '\n\n'
  })
  const body = fake.requests[0]?.body
  t.same(body.messages, [{ role: 'system', content: 'Answer briefly.' }, ...hello])
  t.same(body.options, { temperature: 0.7, top_p: 0.9, seed: 42, num_predict: 512, stop: ['\n\n'] })
  for (const field of ['max_completion_tokens', 'max_tokens', 'temperature', 'top_p', 'seed', 'stop']) t.notOk(field in body, `${field} is not top-level`)
})

t.test('provider options, keepAlive and per-model options apply; the model key may omit :latest', async (t) => {
  const { fake, client } = await gateway(t, 'ollama', {
    provider: {
      keepAlive: '10m',
      options: { num_ctx: 8192, temperature: 0.2 },
      modelOptions: { 'llama3.2': { num_ctx: 4096 }, 'qwen3:8b': { num_ctx: 16384, top_k: 20 } }
    }
  })
  await client.chat.completions.create({ model: 'ollama/llama3.2:latest', messages: hello })
  await client.chat.completions.create({ model: 'ollama/qwen3:8b', messages: hello, temperature: 0.6 })
  const [llama, qwen] = fake.requests.map((r) => r.body)

  t.equal(llama.keep_alive, 600, 'keepAlive is sent in seconds')
  t.same(llama.options, { num_ctx: 4096, temperature: 0.2 })
  t.equal(qwen.keep_alive, 600)
  t.same(qwen.options, { num_ctx: 16384, temperature: 0.6, top_k: 20 }, "the client's temperature wins over the provider default")
})

t.test('per-model options written with :latest apply to a request without the tag, and the client options win', async (t) => {
  const { fake, client } = await gateway(t, 'ollama', { provider: { modelOptions: { 'llama3.2:latest': { num_ctx: 2048, top_k: 40 } } } })
  await client.chat.completions.create(withExtra<ChatParams>({ model: 'ollama/llama3.2', messages: hello }, { options: { num_ctx: 1024 }, keep_alive: '1h' }))
  const body = fake.requests[0]?.body
  t.same(body.options, { num_ctx: 1024, top_k: 40 })
  t.equal(body.keep_alive, '1h', "the client's own keep_alive passes through")
})

t.test('a bare model name is sent as the tag Ollama lists', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  const data = await client.chat.completions.create({ model: 'llama3.2', messages: hello })
  const chat = fake.requests.find((r) => r.path === '/api/chat')
  t.equal(chat?.body.model, 'llama3.2:latest')
  t.equal(data.model, 'llama3.2')
})

t.test('reasoning_effort becomes think: none → false, minimal → low, medium → medium', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  const off = await client.chat.completions.create({ model: 'ollama/qwen3:8b', messages: hello, reasoning_effort: 'none' })
  await client.chat.completions.create({ model: 'ollama/qwen3:8b', messages: hello, reasoning_effort: 'minimal' })
  const on = await client.chat.completions.create({ model: 'ollama/qwen3:8b', messages: hello, reasoning_effort: 'medium' })
  t.same(fake.requests.map((r) => r.body.think), [false, 'low', 'medium'])
  t.ok(fake.requests.every((r) => !('reasoning_effort' in r.body)))
  t.equal(reasoningOf(off.choices[0]?.message), undefined, 'think: false stops the thinking')
  t.type(reasoningOf(on.choices[0]?.message), 'string')
})

t.test('thinking asked of a model without the capability is Ollama\'s 400, as a BadRequestError', async (t) => {
  const { client } = await gateway(t, 'ollama')
  const err = await apiError(client.chat.completions.create({ model: 'ollama/llama3.2', messages: hello, reasoning_effort: 'high' }))
  t.ok(err instanceof BadRequestError)
  t.match(err.message, /does not support thinking/)
})

t.test('response_format json_object becomes format "json", and json_schema becomes the schema', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] }
  await client.chat.completions.create({ model: 'ollama/llama3.2', messages: hello, response_format: { type: 'json_object' } })
  await client.chat.completions.create({ model: 'ollama/llama3.2', messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } })
  t.equal(fake.requests[0]?.body.format, 'json')
  t.same(fake.requests[1]?.body.format, schema)
  t.ok(fake.requests.every((r) => !('response_format' in r.body)))
})

t.test('a data-URL image becomes raw base64 in images, next to the text content', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  await client.chat.completions.create({
    model: 'ollama/llama3.2',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }]
  })
  t.same(fake.requests[0]?.body.messages, [{ role: 'user', content: 'What is this?', images: ['iVBORw0KGgo='] }])
})

refusedCase(t, ollama, 'an http image URL is refused with 400 param messages[i].content and Ollama is not called', async (client) => await client.chat.completions.create({
  model: 'ollama/llama3.2',
  messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }]
}), 'messages[0].content', { upstreamCalls: (fake) => fake.requests.filter((r) => r.path === '/api/chat').length })

nTooLargeCase(t, ollama, 2)

t.test('fields the gateway does not know reach Ollama untouched', async (t) => {
  const { fake, client } = await gateway(t, 'ollama')
  const extra = { truncate: false, logprobs: true, vendor_hint: { deep: [1, { two: 2 }] } }
  await client.chat.completions.create(withExtra<ChatParams>({ model: 'ollama/llama3.2', messages: hello }, extra))
  t.match(fake.requests[0]?.body, extra)
})

t.test('embeddings with the SDK default (base64) decode to the exact vectors Ollama returned', async (t) => {
  const { fake, client } = await gateway(t, 'ollama', { provider: { keepAlive: '5m' } })
  const { data, response } = await client.embeddings.create({ model: 'ollama/nomic-embed-text', input: ['first text', 'second text'] }).withResponse()

  t.same(data.data.map((d) => d.embedding), [fakeVector('first text', 4), fakeVector('second text', 4)])
  t.same(data.data.map((d) => d.index), [0, 1])
  t.equal(data.model, 'ollama/nomic-embed-text')
  t.ok(data.usage.prompt_tokens > 0)
  t.equal(data.usage.total_tokens, data.usage.prompt_tokens)
  t.equal(response.headers.get('x-qiao-model'), 'nomic-embed-text')
  t.match(fake.requests[0], { method: 'POST', path: '/api/embed' })
  t.same(fake.requests[0]?.body, { model: 'nomic-embed-text', input: ['first text', 'second text'], keep_alive: 300 }, 'no encoding_format: Ollama returns floats')
})

embeddingFormatCases(t, { provider: 'ollama', name: 'Ollama', model: 'ollama/nomic-embed-text', upstreamEncoding: undefined }, 12)

refusedCase(t, ollama, 'token-array embedding input is refused with 400 param input and Ollama is not called', async (client) => await client.embeddings.create({ model: 'ollama/nomic-embed-text', input: [[101, 2023, 102]] }), 'input')

unknownModelCase(t, ollama, 'mistral:7b', /mistral:7b/)

// Ollama Cloud's 401, quoting the key; the fake checks no key itself.
rejectedKeyCase(t, ollama, 'ollama-cloud-key-123456', { kind: 'error', status: 401, body: { error: 'unauthorized: key ollama-cloud-key-123456 is not valid' } })

rateLimitedCase(t, ollama, 'a 429', { body: { error: 'too many requests' }, retryAfter: '4' }, /too many requests/)

serverErrorCase(t, ollama, { error: 'llama runner process has terminated' }, /llama runner process has terminated/)

notJsonCase(t, ollama, 'ollama/nomic-embed-text')

garbageStreamCase(t, ollama)

droppedConnectionCase(t, ollama)

streamFailureCases(t, ollama, { what: 'an error line after the stream started', code: 'upstream_stream_error', message: /an error was encountered while running the model/ })

clientAbortCase(t, ollama)
