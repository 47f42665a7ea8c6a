// Zhipu (BigModel / Z.AI) through the gateway (providers.md §3): the real openai SDK on one side, the fake Zhipu on the other.
import t from 'tap'
import { BadRequestError } from 'openai'
import type OpenAI from 'openai'
import { fakeVector } from '../fixtures/fake-upstreams/index.js'
import { KEYS } from '../helper.js'
import {
  apiError, collect, cutOffAnswerCase, developerAndMaxTokensCase, droppedConnectionCase, embeddingFormatCases, finalToolCallCase,
  gateway, joinDeltas, notJsonCase, nTooLargeCase, quotaExhaustedCase, rateLimitedCase, reasoningOf, refusedCase, rejectedKeyCase,
  serverErrorCase, streamFailureCases, unaskedUsageCase, unknownModelCase, withExtra, type Subject
} from './shared.js'

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming

const CHAT_PATH = '/api/paas/v4/chat/completions'
const EMBED_PATH = '/api/paas/v4/embeddings'
const hello = [{ role: 'user' as const, content: 'Say hello in Portuguese.' }]
const weatherTool: OpenAI.Chat.Completions.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'weather', description: 'Weather in a place', parameters: { type: 'object', properties: { location: { type: 'string' } } } }
}
const zhipu: Subject = { provider: 'zhipu', name: 'Zhipu', model: 'zhipu/glm-4.6', messages: hello }

t.test('a non-streaming answer carries content, reasoning_content, usage and the model name the client sent', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  fake.enqueue({ kind: 'text', content: 'Olá!', reasoning: '1. Analyze the request.' })
  const { data, response } = await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello }).withResponse()

  t.equal(data.model, 'zhipu/glm-4.6')
  t.equal(data.object, 'chat.completion')
  t.match(data.id, /^chatcmpl-/)
  t.equal(data.choices[0]?.message.content, 'Olá!')
  t.equal(reasoningOf(data.choices[0]?.message), '1. Analyze the request.')
  t.equal(data.choices[0]?.finish_reason, 'stop')
  t.ok((data.usage?.prompt_tokens ?? 0) > 0)
  t.ok((data.usage?.completion_tokens_details?.reasoning_tokens ?? 0) > 0)
  t.equal(response.headers.get('x-qiao-provider'), 'zhipu')
  t.equal(response.headers.get('x-qiao-model'), 'glm-4.6')

  t.equal(fake.requests.length, 1)
  t.match(fake.requests[0], { method: 'POST', path: CHAT_PATH, headers: { authorization: `Bearer ${KEYS.zhipu}` } })
  t.match(fake.requests[0]?.body, { model: 'glm-4.6', stream: false, messages: hello })
})

t.test('a streamed answer has role once, finish_reason on every chunk, reasoning before content and one id', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  fake.enqueue({ kind: 'text', content: 'Olá, tudo bem?', reasoning: 'Greet in Portuguese.' })
  const { data: stream, response } = await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, stream: true }).withResponse()
  const chunks = await collect(stream)

  t.equal(response.headers.get('x-qiao-provider'), 'zhipu')
  t.equal(response.headers.get('x-qiao-model'), 'glm-4.6')
  t.equal(joinDeltas(chunks, 'reasoning_content'), 'Greet in Portuguese.')
  t.equal(joinDeltas(chunks, 'content'), 'Olá, tudo bem?')
  t.equal(chunks.filter((c) => c.choices[0]?.delta.role !== undefined).length, 1, "Zhipu's repeated role is sent once")
  t.ok(chunks.every((c) => c.choices[0] === undefined || 'finish_reason' in c.choices[0]), 'finish_reason is present, null until the end')
  t.ok(chunks.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null))
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop')
  t.equal(new Set(chunks.map((c) => c.id)).size, 1)
  t.ok(chunks.every((c) => c.model === 'zhipu/glm-4.6'))
  t.ok(chunks.every((c) => c.usage === undefined || c.usage === null), "Zhipu's usage on the last chunk is not relayed unasked")
  t.match(fake.requests[0]?.body, { stream: true })
})

t.test('with include_usage the usage Zhipu puts on its last content chunk comes as one final choices: [] chunk', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  const chunks = await collect(await client.chat.completions.create({ model: 'zhipu/glm-4.5-air', messages: hello, stream: true, stream_options: { include_usage: true } }))
  const withUsage = chunks.filter((c) => c.usage !== undefined && c.usage !== null)

  t.equal(withUsage.length, 1)
  t.equal(chunks.at(-1), withUsage[0])
  t.same(withUsage[0]?.choices, [])
  t.ok((withUsage[0]?.usage?.total_tokens ?? 0) > 0)
  t.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'stop', 'the finish chunk precedes the usage chunk')
  t.match(fake.requests[0]?.body, { stream_options: { include_usage: true } })
})

unaskedUsageCase(t, zhipu, { upstreamUsage: true, explicitFalse: false })

t.test('a whole Zhipu tool call is announced (index, id, name) before its arguments and finishes with tool_calls', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  fake.enqueue({ kind: 'toolCall', name: 'weather', arguments: { location: 'Florence, Italy' }, id: 'call_3532c8' })
  const chunks = await collect(await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, tools: [weatherTool], stream: true }))
  const withCalls = chunks.filter((c) => c.choices[0]?.delta.tool_calls !== undefined)

  t.equal(withCalls.length, 2, 'an announcement chunk, then an arguments chunk')
  t.same(withCalls[0]?.choices[0]?.delta.tool_calls, [{ index: 0, id: 'call_3532c8', type: 'function', function: { name: 'weather', arguments: '' } }])
  t.same(withCalls[1]?.choices[0]?.delta.tool_calls, [{ index: 0, function: { arguments: '{"location":"Florence, Italy"}' } }])
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls')
})

finalToolCallCase(t, zhipu, weatherTool, { location: 'Florence' })

t.test('a tool-call follow-up reaches Zhipu with string arguments and the tool result', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  fake.enqueue({ kind: 'toolCall', name: 'weather', arguments: { location: 'Florence' }, id: 'call_z1' })
  const first = await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, tools: [weatherTool] })
  const assistant = first.choices[0]?.message as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam
  fake.enqueue({ kind: 'text', content: 'Sunny in Florence.' })
  const second = await client.chat.completions.create({
    model: 'zhipu/glm-4.6',
    tools: [weatherTool],
    messages: [...hello, assistant, { role: 'tool', tool_call_id: 'call_z1', content: '24 C, sunny' }]
  })

  t.equal(second.choices[0]?.message.content, 'Sunny in Florence.')
  const sent = fake.requests[1]?.body.messages
  t.match(sent[1], { role: 'assistant', tool_calls: [{ id: 'call_z1', type: 'function', function: { name: 'weather', arguments: '{"location":"Florence"}' } }] })
  t.same(sent[2], { role: 'tool', tool_call_id: 'call_z1', content: '24 C, sunny' })
})

developerAndMaxTokensCase(t, zhipu, 128)

t.test('user becomes user_id, and an id shorter than Zhipu\'s 6 characters becomes a stable hash', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, user: 'tenant-000042' })
  await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, user: 'bob' })
  await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, user: 'bob' })
  const [long, short, again] = fake.requests.map((r) => r.body)

  t.equal(long.user_id, 'tenant-000042')
  t.notOk('user' in long)
  t.type(short.user_id, 'string')
  t.ok(short.user_id.length >= 6 && short.user_id.length <= 128, 'within Zhipu\'s 6–128 characters')
  t.equal(again.user_id, short.user_id)
  t.notOk('user' in short)
})

t.test('fields the gateway does not know reach Zhipu untouched', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  const extra = { request_id: 'client-req-77', tool_stream: false, vendor_hint: { a: [1, 2] } }
  const data = await client.chat.completions.create(withExtra<ChatParams>({ model: 'zhipu/glm-4.6', messages: hello }, extra))
  t.match(fake.requests[0]?.body, extra)
  t.equal((data as unknown as { request_id?: string }).request_id, 'client-req-77', "Zhipu's echo of it reaches the client too")
})

// Zhipu's range is [0, 1]: clamping would change the request behind the client's back.
refusedCase(t, zhipu, 'temperature above 1 is refused with 400 param temperature and Zhipu is not called', async (client) => await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, temperature: 1.5 }), 'temperature')

t.test('temperature 0 becomes do_sample: false, and top_p 1 becomes 0.99', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, temperature: 0, top_p: 1 })
  const body = fake.requests[0]?.body
  t.equal(body.do_sample, false)
  t.notOk('temperature' in body)
  t.equal(body.top_p, 0.99)
})

t.test('one stop word is sent as a one-element array; several are refused with 400 param stop', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, stop: '</answer>' })
  t.same(fake.requests[0]?.body.stop, ['</answer>'])
  const err = await apiError(client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, stop: ['a', 'b'] }))
  t.ok(err instanceof BadRequestError)
  t.equal(err.param, 'stop')
  t.equal(fake.requests.length, 1, 'the refused request never reached Zhipu')
})

t.test('tool_choice none removes the tools; required is refused with 400 param tool_choice', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, tools: [weatherTool], tool_choice: 'none' })
  t.notOk('tools' in fake.requests[0]?.body)
  t.notOk('tool_choice' in fake.requests[0]?.body)
  const err = await apiError(client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, tools: [weatherTool], tool_choice: 'required' }))
  t.ok(err instanceof BadRequestError)
  t.equal(err.param, 'tool_choice')
  t.equal(fake.requests.length, 1)
})

t.test('a data-URL image is sent to Zhipu as bare base64', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  await client.chat.completions.create({
    model: 'zhipu/glm-4.6',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }]
  })
  t.same(fake.requests[0]?.body.messages[0].content, [
    { type: 'text', text: 'Describe this' },
    { type: 'image_url', image_url: { url: 'iVBORw0KGgo=' } }
  ])
})

nTooLargeCase(t, zhipu, 3)

t.test('reasoning_effort none becomes thinking disabled, so no reasoning comes back', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  const data = await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: hello, reasoning_effort: 'none' })
  t.same(fake.requests[0]?.body.thinking, { type: 'disabled' })
  t.notOk('reasoning_effort' in fake.requests[0]?.body)
  t.equal(reasoningOf(data.choices[0]?.message), undefined)
})

t.test('embeddings with the SDK default (base64) decode to the exact vectors Zhipu returned', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  const { data, response } = await client.embeddings.create({ model: 'zhipu/embedding-3', input: ['first text', 'second text'] }).withResponse()

  t.same(data.data.map((d) => d.embedding), [fakeVector('first text', 8), fakeVector('second text', 8)])
  t.same(data.data.map((d) => d.index), [0, 1])
  t.equal(data.model, 'zhipu/embedding-3')
  t.ok(data.usage.prompt_tokens > 0)
  t.equal(response.headers.get('x-qiao-provider'), 'zhipu')
  t.match(fake.requests[0], { path: EMBED_PATH, headers: { authorization: `Bearer ${KEYS.zhipu}` } })
  t.match(fake.requests[0]?.body, { model: 'embedding-3', input: ['first text', 'second text'], encoding_format: 'float' })
})

embeddingFormatCases(t, { provider: 'zhipu', name: 'Zhipu', model: 'zhipu/embedding-3', upstreamEncoding: 'float' }, 256)

refusedCase(t, zhipu, 'a size embedding-3 does not offer is refused with 400 param dimensions and Zhipu is not called', async (client) => await client.embeddings.create({ model: 'zhipu/embedding-3', input: 'sized', dimensions: 100 }), 'dimensions')

t.test('more than 64 inputs are split into several Zhipu calls and come back in order', async (t) => {
  const { fake, client } = await gateway(t, 'zhipu')
  const inputs = Array.from({ length: 70 }, (_, i) => `text number ${i}`)
  const data = await client.embeddings.create({ model: 'zhipu/embedding-3', input: inputs, encoding_format: 'float' })

  t.equal(fake.requests.length, 2)
  t.same(fake.requests.map((r) => r.body.input), [inputs.slice(0, 64), inputs.slice(64)])
  t.equal(data.data.length, 70)
  t.same(data.data.map((d) => d.index), inputs.map((_, i) => i))
  t.same(data.data.map((d) => Array.from(new Float32Array(d.embedding))), inputs.map((text) => fakeVector(text, 8)), 'the same float32 values')
})

// Business code 1211 (unknown model).
unknownModelCase(t, zhipu, 'glm-nope', /Unknown Model/)

rejectedKeyCase(t, zhipu, 'zhipu-wrong.secretsecret')

rateLimitedCase(t, zhipu, 'a throttling 429 (code 1302)', {
  body: { error: { code: '1302', message: 'High concurrency usage of this API' }, request_id: 'r1' },
  retryAfter: '3'
}, /High concurrency usage/)

quotaExhaustedCase(t, zhipu, 'an exhausted balance (429 code 1113)', {
  kind: 'error',
  status: 429,
  body: { error: { code: '1113', message: 'Insufficient balance or no resource package. Please recharge.' }, request_id: 'r2' }
}, /Insufficient balance/)

serverErrorCase(t, zhipu, { error: { code: '500', message: 'Internal error' } }, /Internal error/)

notJsonCase(t, zhipu, 'zhipu/embedding-3')

droppedConnectionCase(t, zhipu, async (client) => await client.embeddings.create({ model: 'zhipu/embedding-3', input: 'x' }))

cutOffAnswerCase(t, zhipu)

streamFailureCases(t, zhipu, { what: 'a stream Zhipu drops half-way', model: 'zhipu/glm-4.5-air', code: 'upstream_stream_broken', arrivesFirst: 'reasoning_content' })
