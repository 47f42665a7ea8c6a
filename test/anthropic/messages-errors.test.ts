// Failures on /v1/messages in Anthropic's shape (status, error.type, headers), what the SDK raises, and the
// same accounting as chat completions: usage under the key, metrics under the route, limits.
import t from 'tap'
import Anthropic from '@anthropic-ai/sdk'
import { listen, startFakes } from '../helper.js'
import { ALICE, MASTER, gateway, usageWhen } from '../auth/setup.js'

const fakes = await startFakes(t)
const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE, models: ['deepseek/*', 'nothing-here'] }] })
const base = await listen(app)
const client = new Anthropic({ baseURL: base, apiKey: ALICE, maxRetries: 0 })
const HI = [{ role: 'user' as const, content: 'hi' }]

const post = async (payload: unknown, headers: Record<string, string> = { 'x-api-key': ALICE }, url = '/v1/messages') =>
  await app.inject({ method: 'POST', url, headers: { 'anthropic-version': '2023-06-01', ...headers }, payload: payload as Record<string, unknown> })

t.test('no key: 401 authentication_error from the auth hook, with the request id and failure class', async (t) => {
  const res = await post({ model: 'deepseek/deepseek-chat', max_tokens: 10, messages: HI }, {})
  t.equal(res.statusCode, 401)
  t.match(res.json(), { type: 'error', error: { type: 'authentication_error', message: /Missing API key/ }, request_id: res.headers['x-request-id'] })
  t.equal(res.headers['x-qiao-error'], 'caller_unauthenticated')
  await t.rejects(new Anthropic({ baseURL: base, apiKey: 'sk-wrong', maxRetries: 0 }).messages.create({ model: 'deepseek/deepseek-chat', max_tokens: 10, messages: HI }), Anthropic.AuthenticationError)
})

t.test('Authorization: Bearer works as well as x-api-key, with anthropic-beta', async (t) => {
  const res = await post({ model: 'deepseek/deepseek-chat', max_tokens: 10, messages: HI }, { authorization: `Bearer ${ALICE}`, 'anthropic-beta': 'interleaved-thinking-2025-05-14' })
  t.equal(res.statusCode, 200)
  t.equal(res.json().type, 'message')
})

t.test('a schema failure is a 400 invalid_request_error in Anthropic\'s shape', async (t) => {
  const res = await post({ model: 'deepseek/deepseek-chat', messages: HI })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { type: 'error', error: { type: 'invalid_request_error', message: /max_tokens/ } })
  const json = await app.inject({ method: 'POST', url: '/v1/messages', headers: { 'x-api-key': ALICE, 'content-type': 'application/json' }, payload: '{"model":' })
  t.match(json.json(), { type: 'error', error: { type: 'invalid_request_error', message: /not valid JSON/ } })
})

t.test('an unsupported block is a 400 naming it', async (t) => {
  const res = await post({ model: 'deepseek/deepseek-chat', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] }] })
  t.equal(res.statusCode, 400)
  t.match(res.json().error, { type: 'invalid_request_error', message: /'document'/ })
})

t.test('a model the key may not use is 403 permission_error; an unknown one 404 not_found_error', async (t) => {
  const denied = await post({ model: 'zhipu/glm-4.6', max_tokens: 10, messages: HI })
  t.equal(denied.statusCode, 403)
  t.equal(denied.json().error.type, 'permission_error')
  await t.rejects(client.messages.create({ model: 'nothing-here', max_tokens: 10, messages: HI }), Anthropic.NotFoundError)
  const count = await post({ model: 'nothing-here', messages: HI }, undefined, '/v1/messages/count_tokens')
  t.equal(count.statusCode, 404)
  t.equal(count.json().error.type, 'not_found_error')
})

t.test('a backend\'s 429 is a 429 rate_limit_error with its retry-after', async (t) => {
  fakes.deepseek.enqueue({ kind: 'error', status: 429, body: { error: { message: 'Rate limit reached', type: 'rate_limit_error', param: null, code: null } }, headers: { 'retry-after': '7' } })
  const res = await post({ model: 'deepseek/deepseek-chat', max_tokens: 10, messages: HI })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '7')
  t.equal(res.json().error.type, 'rate_limit_error')
})

t.test('a stream that breaks after it started ends with an error event the SDK raises', async (t) => {
  fakes.deepseek.enqueue({ kind: 'midStreamError' })
  const stream = client.messages.stream({ model: 'deepseek/deepseek-chat', max_tokens: 10, messages: HI })
  const seen: string[] = []
  stream.on('streamEvent', (event) => { seen.push(event.type) })
  const err = await stream.finalMessage().then(() => undefined, (e: unknown) => e)
  t.type(err, Anthropic.APIError)
  t.match(err, { error: { type: 'error', error: { type: 'api_error' } } })
  t.equal(seen[0], 'message_start', 'the stream had started')
})

t.test('count_tokens answers an estimate', async (t) => {
  const res = await post({ model: 'deepseek/deepseek-chat', system: 'Be brief.', messages: [{ role: 'user', content: 'What is the weather in Tokyo today?' }] }, undefined, '/v1/messages/count_tokens')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { input_tokens: 11 }, '(9 + 35) characters / 4')
  t.equal((await client.messages.countTokens({ model: 'deepseek/deepseek-chat', messages: HI })).input_tokens, 1)
})

t.test('usage and metrics count a message like a chat completion', async (t) => {
  const totals = async (done: (tokens: number) => boolean) => (await usageWhen(app, (b) => done(b.totals['prompt_tokens'] ?? 0), '?key=alice')).totals
  const before = await totals(() => true)
  fakes.deepseek.enqueue({ kind: 'text', content: 'Hello', usage: { prompt: 21, completion: 4 } })
  await client.messages.create({ model: 'deepseek/deepseek-chat', max_tokens: 10, messages: HI })
  fakes.deepseek.enqueue({ kind: 'text', content: 'Hello', usage: { prompt: 30, completion: 6 } })
  await client.messages.stream({ model: 'deepseek/deepseek-chat', max_tokens: 10, messages: HI }).finalMessage()
  const after = await totals((tokens) => tokens === (before['prompt_tokens'] ?? 0) + 51)
  t.equal(after['prompt_tokens'], (before['prompt_tokens'] ?? 0) + 51, 'both prompts counted under the key')
  t.equal(after['completion_tokens'], (before['completion_tokens'] ?? 0) + 10)
  t.equal(after['requests'], (before['requests'] ?? 0) + 2)
  const metrics = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${MASTER}` } })).body
  t.match(metrics, /qiao_requests_total\{route="\/v1\/messages",status="200",model="deepseek\/deepseek-chat",provider="deepseek",failure=""\} \d+/)
  t.match(metrics, /qiao_requests_total\{route="\/v1\/messages",status="429",model="deepseek\/deepseek-chat",provider="deepseek",failure="provider_rate_limited"\} 1/)
})
