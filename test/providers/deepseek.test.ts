// DeepSeek through the gateway (providers.md §4): the real openai SDK on one side, the fake DeepSeek on the other.
import t from 'tap'
import { BadRequestError } from 'openai'
import type OpenAI from 'openai'
import { KEYS } from '../helper.js'
import {
  apiError, clientAbortCase, collect, cutOffAnswerCase, developerAndMaxTokensCase, droppedConnectionCase, finalToolCallCase,
  garbageStreamCase, gateway, joinDeltas, notJsonCase, nTooLargeCase, quotaExhaustedCase, rateLimitedCase, reasoningOf,
  refusedCase, rejectedKeyCase, serverErrorCase, streamFailureCases, unaskedUsageCase, unknownModelCase, withExtra, type Subject
} from './shared.js'

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming

const hello = [{ role: 'user' as const, content: 'Which is larger, 9.11 or 9.8?' }]
const weatherTool: OpenAI.Chat.Completions.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }
}
const deepseek: Subject = { provider: 'deepseek', name: 'DeepSeek', model: 'deepseek/deepseek-chat', messages: hello }

t.test('a non-streaming answer carries content, reasoning_content, usage and the model name the client sent', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  fake.enqueue({ kind: 'text', content: '9.8 is larger.', reasoning: 'Compare 9.11 and 9.80.' })
  const { data, response } = await client.chat.completions.create({ model: 'deepseek/deepseek-reasoner', messages: hello }).withResponse()

  t.equal(data.model, 'deepseek/deepseek-reasoner')
  t.equal(data.object, 'chat.completion')
  t.match(data.id, /^chatcmpl-/)
  t.equal(data.choices[0]?.message.content, '9.8 is larger.')
  t.equal(reasoningOf(data.choices[0]?.message), 'Compare 9.11 and 9.80.')
  t.equal(data.choices[0]?.finish_reason, 'stop')
  t.ok((data.usage?.prompt_tokens ?? 0) > 0)
  t.equal(data.usage?.total_tokens, (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0))
  t.ok((data.usage?.completion_tokens_details?.reasoning_tokens ?? 0) > 0, 'reasoning tokens are reported')
  t.equal(response.headers.get('x-qiao-provider'), 'deepseek')
  t.equal(response.headers.get('x-qiao-model'), 'deepseek-reasoner')

  t.equal(fake.requests.length, 1)
  t.match(fake.requests[0], { method: 'POST', path: '/chat/completions', headers: { authorization: `Bearer ${KEYS.deepseek}` } })
  t.match(fake.requests[0]?.body, { model: 'deepseek-reasoner', stream: false, messages: hello })
  t.notOk('stream_options' in fake.requests[0]?.body, 'no stream_options on a non-streaming call')
})

t.test('a streamed answer delivers reasoning then content deltas under one id and the requested model', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  fake.enqueue({ kind: 'text', content: '9.8 is larger.', reasoning: 'Compare 9.11 and 9.80.' })
  const { data: stream, response } = await client.chat.completions.create({ model: 'deepseek/deepseek-reasoner', messages: hello, stream: true }).withResponse()
  const chunks = await collect(stream)

  t.equal(response.headers.get('x-qiao-provider'), 'deepseek')
  t.equal(response.headers.get('x-qiao-model'), 'deepseek-reasoner')
  t.match(response.headers.get('content-type'), /^text\/event-stream/)
  t.equal(joinDeltas(chunks, 'reasoning_content'), 'Compare 9.11 and 9.80.')
  t.equal(joinDeltas(chunks, 'content'), '9.8 is larger.')
  const firstContent = chunks.findIndex((c) => typeof c.choices[0]?.delta.content === 'string' && c.choices[0].delta.content !== '')
  const lastReasoning = chunks.findLastIndex((c) => typeof reasoningOf(c.choices[0]?.delta) === 'string' && reasoningOf(c.choices[0]?.delta) !== '')
  t.ok(lastReasoning < firstContent, 'reasoning comes before content')
  t.same(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole stream')
  t.ok(chunks.every((c) => c.model === 'deepseek/deepseek-reasoner'))
  t.equal(chunks.filter((c) => c.choices[0]?.delta.role === 'assistant').length, 1, 'role is sent once')
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop')
  t.ok(chunks.every((c) => c.usage === undefined || c.usage === null), 'no usage chunk unless asked')
  t.match(fake.requests[0]?.body, { model: 'deepseek-reasoner', stream: true })
})

t.test('with include_usage the stream ends with exactly one usage chunk whose choices are empty', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  const stream = await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello, stream: true, stream_options: { include_usage: true } })
  const chunks = await collect(stream)
  const withUsage = chunks.filter((c) => c.usage !== undefined && c.usage !== null)

  t.equal(withUsage.length, 1)
  t.equal(chunks.at(-1), withUsage[0], 'the usage chunk is the last one')
  t.same(withUsage[0]?.choices, [])
  t.ok((withUsage[0]?.usage?.prompt_tokens ?? 0) > 0)
  t.ok((withUsage[0]?.usage?.completion_tokens ?? 0) > 0)
  t.equal(withUsage[0]?.model, 'deepseek/deepseek-chat')
  t.equal(joinDeltas(chunks, 'content'), 'Hello from deepseek')
  t.match(fake.requests[0]?.body, { stream_options: { include_usage: true } })
})

unaskedUsageCase(t, deepseek, { upstreamUsage: true, explicitFalse: true })

t.test('a streamed tool call is announced with index, id and name before its arguments and finishes with tool_calls', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Tokyo' }, id: 'call_0_abc' })
  const chunks = await collect(await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello, tools: [weatherTool], stream: true }))
  const callDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])

  t.ok(callDeltas.length >= 2, 'announcement and argument deltas')
  t.match(callDeltas[0], { index: 0, id: 'call_0_abc', type: 'function', function: { name: 'get_weather' } })
  t.equal(callDeltas[0]?.function?.arguments ?? '', '', 'no arguments in the announcement')
  t.ok(callDeltas.slice(1).every((d) => d.index === 0 && d.id === undefined && d.function?.name === undefined), 'later deltas carry only arguments')
  t.same(JSON.parse(callDeltas.map((d) => d.function?.arguments ?? '').join('')), { city: 'Tokyo' })
  t.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls')
  t.match(fake.requests[0]?.body, { tools: [weatherTool] })
})

finalToolCallCase(t, deepseek, weatherTool, { city: 'Tokyo' })

t.test('a deepseek-reasoner tool-call follow-up keeps the assistant reasoning_content, so DeepSeek accepts it', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Tokyo' }, id: 'call_0_r1' })
  const first = await client.chat.completions.create({ model: 'deepseek/deepseek-reasoner', messages: hello, tools: [weatherTool] })
  const assistant = first.choices[0]?.message
  t.equal(first.choices[0]?.finish_reason, 'tool_calls')
  t.type(reasoningOf(assistant), 'string', 'the client received the reasoning to replay')

  fake.enqueue({ kind: 'text', content: 'It is 11 C in Tokyo.', reasoning: 'The tool said 11 C.' })
  const messages = [
    ...hello,
    assistant as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam,
    { role: 'tool' as const, tool_call_id: 'call_0_r1', content: '11 C, cloudy' }
  ]
  const second = await client.chat.completions.create({ model: 'deepseek/deepseek-reasoner', messages, tools: [weatherTool] })

  t.equal(second.choices[0]?.message.content, 'It is 11 C in Tokyo.')
  const sent = fake.requests[1]?.body
  t.match(sent.messages[1], {
    role: 'assistant',
    reasoning_content: reasoningOf(assistant),
    tool_calls: [{ id: 'call_0_r1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }]
  })
  t.same(sent.messages[2], { role: 'tool', tool_call_id: 'call_0_r1', content: '11 C, cloudy' })
})

t.test('a thinking tool-call turn replayed without its reasoning_content gets a placeholder, so DeepSeek accepts it', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  // openai-node, LangChain and the AI SDK drop reasoning_content from the assistant turn they replay.
  fake.enqueue({ kind: 'text', content: 'It is 11 C.', reasoning: '' })
  const data = await client.chat.completions.create({
    model: 'deepseek/deepseek-reasoner',
    tools: [weatherTool],
    messages: [
      ...hello,
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '11 C' }
    ]
  })
  t.equal(data.choices[0]?.message.content, 'It is 11 C.')
  const replayed = fake.requests[0]?.body.messages[1]
  t.type(replayed.reasoning_content, 'string', 'the fake 400s without it')
  t.match(replayed, { role: 'assistant', tool_calls: [{ id: 'call_1' }] })
})

developerAndMaxTokensCase(t, deepseek, 64)

t.test('user becomes user_id, and a user DeepSeek would refuse is replaced by a stable hash', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello, user: 'tenant_42-a' })
  await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello, user: 'alice@example.com' })
  await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello, user: 'alice@example.com' })
  const [plain, odd, again] = fake.requests.map((r) => r.body)

  t.equal(plain.user_id, 'tenant_42-a')
  t.notOk('user' in plain)
  t.match(odd.user_id, /^[A-Za-z0-9_-]+$/)
  t.not(odd.user_id, 'alice@example.com')
  t.equal(again.user_id, odd.user_id, 'one user, one id')
  t.notOk('user' in odd)
})

t.test('fields the gateway does not know reach DeepSeek untouched', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  const extra = { thinking: { type: 'enabled' }, vendor_hint: { nested: [1, 'two', { three: true }] } }
  await client.chat.completions.create(withExtra<ChatParams>({ model: 'deepseek/deepseek-chat', messages: hello }, extra))
  t.same(fake.requests[0]?.body.thinking, extra.thinking)
  t.same(fake.requests[0]?.body.vendor_hint, extra.vendor_hint)
})

t.test('reasoning_effort is mapped to the levels DeepSeek knows, and none turns thinking off', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  await client.chat.completions.create({ model: 'deepseek/deepseek-reasoner', messages: hello, reasoning_effort: 'low' })
  const off = await client.chat.completions.create({ model: 'deepseek/deepseek-reasoner', messages: hello, reasoning_effort: 'none' })
  t.equal(fake.requests[0]?.body.reasoning_effort, 'high')
  t.same(fake.requests[1]?.body.thinking, { type: 'disabled' })
  t.notOk('reasoning_effort' in fake.requests[1]?.body)
  t.equal(reasoningOf(off.choices[0]?.message), undefined, 'no reasoning once thinking is off')
})

refusedCase(t, deepseek, 'an image part is refused with 400 param messages[i].content and DeepSeek is not called', async (client) => await client.chat.completions.create({
  model: 'deepseek/deepseek-chat',
  messages: [
    { role: 'system', content: 'Describe images.' },
    { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }
  ]
}), 'messages[1].content')

t.test('text-only content parts are flattened to a string for DeepSeek', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'there' }] }] })
  t.equal(fake.requests[0]?.body.messages[0].content, 'Hello there')
})

nTooLargeCase(t, deepseek, 2)

// §4.7: DeepSeek has no embeddings endpoint.
refusedCase(t, deepseek, 'embeddings for a DeepSeek model are refused with 400 param model', async (client) => await client.embeddings.create({ model: 'deepseek/deepseek-chat', input: 'hello' }), 'model')

unknownModelCase(t, deepseek, 'deepseek-nope', /Model Not Exist/)

// DeepSeek's 401 echoes the key's last four characters (****1234).
rejectedKeyCase(t, deepseek, 'sk-deepseek-WRONG-key-1234')

t.test('a 401 body quoting the provider key is not relayed to the client', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  fake.enqueue({ kind: 'error', status: 401, body: { error: { message: `Incorrect API key provided: ${KEYS.deepseek}`, type: 'authentication_error', param: null, code: 'invalid_request_error' } } })
  const err = await apiError(client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello }))
  t.equal(err.status, 502)
  t.equal(err.code, 'upstream_auth_error')
  t.notMatch(JSON.stringify(err.error), KEYS.deepseek)
})

rateLimitedCase(t, deepseek, 'a 429', {
  body: { error: { message: 'Rate Limit Reached', type: 'rate_limit_error', param: null, code: 'rate_limit' } },
  retryAfter: '7'
}, /Rate Limit Reached/)

quotaExhaustedCase(t, deepseek, 'a 402 insufficient balance', {
  kind: 'error',
  status: 402,
  body: { error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } }
}, /Insufficient Balance/)

serverErrorCase(t, deepseek, { error: { message: 'Server error', type: 'api_error', param: null, code: 'server_error' } }, /Server error/)

notJsonCase(t, deepseek)

garbageStreamCase(t, deepseek)

droppedConnectionCase(t, deepseek)

t.test('a {"detail":"Content Exists Risk"} 400 reaches the client as a 400 with that message', async (t) => {
  const { fake, client } = await gateway(t, 'deepseek')
  fake.enqueue({ kind: 'error', status: 400, body: { detail: 'Content Exists Risk' } })
  const err = await apiError(client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello }))
  t.ok(err instanceof BadRequestError)
  t.match(err.message, /Content Exists Risk/)
  t.match((err.error as { message?: string }).message, /Content Exists Risk/)
})

cutOffAnswerCase(t, deepseek)

streamFailureCases(t, deepseek, { what: 'a stream DeepSeek drops half-way', code: 'upstream_stream_broken' })

clientAbortCase(t, deepseek)
