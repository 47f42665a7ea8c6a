// Every failure a client can see leaves as an OpenAI error body with the right status and an x-request-id.
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { build, providersFor, startFakes } from '../helper.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const HI = [{ role: 'user', content: 'hi' }]

interface Expected {
  param?: string | null
  code?: string
  type?: string
  message?: RegExp
}

/** The OpenAI error contract: four keys, JSON, a request id and nothing that looks like a stack trace. */
function assertError (t: Test, res: LightMyRequestResponse, status: number, expected: Expected = {}): void {
  t.equal(res.statusCode, status, 'status')
  t.match(res.headers['content-type'], /^application\/json/, 'content type')
  t.match(res.headers['x-request-id'], /^\S+$/, 'x-request-id')
  const body = res.json()
  t.same(Object.keys(body), ['error'], 'only an error key')
  t.same(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type'], 'the four OpenAI error fields')
  t.type(body.error.message, 'string')
  t.not(body.error.message, '')
  t.equal(body.error.type, expected.type ?? 'invalid_request_error', 'type')
  if ('param' in expected) t.equal(body.error.param, expected.param, 'param')
  if (expected.code !== undefined) t.equal(body.error.code, expected.code, 'code')
  if (expected.message !== undefined) t.match(body.error.message, expected.message, 'message')
  t.notMatch(res.body, /\bat .+:\d+:\d+|node_modules|\.ts:\d+/, 'no stack trace')
}

const fakes = await startFakes(t)
const providers = providersFor(fakes)
// A second DeepSeek account that also lists deepseek-chat makes that bare name ambiguous.
providers.push({ id: 'backup', type: 'deepseek', baseUrl: fakes.deepseek.baseUrl, apiKey: 'sk-backup', models: ['deepseek-chat'] })
const app = await build(t, { providers, server: { bodyLimit: 2048 } })

const post = async (payload: unknown, headers: Record<string, string> = {}) => await app.inject({
  method: 'POST',
  url: '/v1/chat/completions',
  headers: { 'content-type': 'application/json', ...headers },
  payload: typeof payload === 'string' ? payload : JSON.stringify(payload)
})

t.test('malformed JSON is a 400 invalid_json error', async (t) => {
  assertError(t, await post('{"model": "deepseek/deepseek-chat", "messages": ['), 400, { code: 'invalid_json', param: null })
})

t.test('an empty JSON body is a 400 error', async (t) => {
  assertError(t, await post(''), 400, { param: null })
})

t.test('a request without any body or content type is a 400 error', async (t) => {
  assertError(t, await app.inject({ method: 'POST', url: '/v1/chat/completions' }), 400, { param: null })
})

t.test('a body in a content type the gateway does not read is a 415 error', async (t) => {
  const res = await post('<chat model="deepseek-chat"/>', { 'content-type': 'application/xml' })
  assertError(t, res, 415, { code: 'unsupported_media_type' })
})

t.test('a body larger than server.bodyLimit is a 413 error', async (t) => {
  const res = await post({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'x'.repeat(4096) }] })
  assertError(t, res, 413, { code: 'request_too_large' })
  t.equal(fakes.deepseek.requests.filter((r) => JSON.stringify(r.body).includes('xxxx')).length, 0, 'nothing reached the backend')
})

t.test('a missing model is a 400 naming the model parameter', async (t) => {
  assertError(t, await post({ messages: HI }), 400, { param: 'model', code: 'missing_required_parameter', message: /model/ })
})

t.test('missing messages is a 400 naming the messages parameter', async (t) => {
  assertError(t, await post({ model: 'deepseek/deepseek-chat' }), 400, { param: 'messages', code: 'missing_required_parameter' })
})

t.test('messages given as a string is a 400 naming messages', async (t) => {
  assertError(t, await post({ model: 'deepseek/deepseek-chat', messages: 'hi' }), 400, { param: 'messages', code: 'invalid_type' })
})

t.test('stream given as a string is a 400 naming stream', async (t) => {
  assertError(t, await post({ model: 'deepseek/deepseek-chat', messages: HI, stream: 'yes' }), 400, { param: 'stream', code: 'invalid_type' })
})

t.test('a temperature out of range is a 400 naming temperature', async (t) => {
  assertError(t, await post({ model: 'deepseek/deepseek-chat', messages: HI, temperature: 5 }), 400, { param: 'temperature' })
})

t.test('an unknown message role is a 400 naming messages[0].role', async (t) => {
  const res = await post({ model: 'deepseek/deepseek-chat', messages: [{ role: 'robot', content: 'beep' }] })
  assertError(t, res, 400, { param: 'messages[0].role', message: /messages\[0\]\.role/ })
})

t.test('a validation failure never reaches the backend', async (t) => {
  const before = fakes.deepseek.requests.length
  await post({ model: 'deepseek/deepseek-chat', messages: HI, temperature: 5 })
  t.equal(fakes.deepseek.requests.length, before)
})

t.test('an unknown model is a 404 model_not_found on param model', async (t) => {
  const res = await post({ model: 'gpt-imaginary', messages: HI })
  assertError(t, res, 404, { param: 'model', code: 'model_not_found', message: /gpt-imaginary/ })
})

t.test('an unknown provider prefix is a 404 model_not_found', async (t) => {
  assertError(t, await post({ model: 'nobody/deepseek-chat', messages: HI }), 404, { param: 'model', code: 'model_not_found' })
})

t.test('a bare model name listed by two providers is a 404 naming both provider/model choices', async (t) => {
  const res = await post({ model: 'deepseek-chat', messages: HI })
  assertError(t, res, 404, { param: 'model', code: 'model_not_found' })
  const message: string = res.json().error.message
  t.match(message, 'deepseek/deepseek-chat')
  t.match(message, 'backup/deepseek-chat')
  t.equal(fakes.deepseek.requests.filter((r) => r.path.endsWith('/chat/completions') && r.body?.model === 'deepseek-chat').length, 0, 'no provider was guessed')
})

t.test('an unknown route is a 404 error', async (t) => {
  assertError(t, await app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404, { code: 'unknown_route', message: /\/v1\/nothing-here/ })
})

t.test('a POST to an unknown route is a 404 error, not a body validation error', async (t) => {
  assertError(t, await app.inject({ method: 'POST', url: '/v1/audio/speech', payload: {} }), 404, { code: 'unknown_route' })
})

t.test('GET on the POST-only chat route is a 404 error naming the method', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/chat/completions' })
  assertError(t, res, 404, { message: /GET/ })
})

t.test('a backend that answers garbage is a 502 without internals in the body', async (t) => {
  fakes.deepseek.enqueue({ kind: 'garbage' })
  const res = await post({ model: 'deepseek/deepseek-chat', messages: HI })
  assertError(t, res, 502, { type: 'api_error', code: 'upstream_bad_response' })
  t.notMatch(res.body, /<html>/, 'the backend body is not echoed')
})

t.test('a backend error body of megabytes becomes a short OpenAI error, and the next call still works', async (t) => {
  fakes.deepseek.enqueue({ kind: 'error', status: 500, body: 'overloaded '.repeat(400_000) })
  const res = await post({ model: 'deepseek/deepseek-chat', messages: HI })
  assertError(t, res, 502, { type: 'api_error', message: /^deepseek: overloaded overloaded/ })
  t.ok(res.body.length < 2_000, `the client gets a short body (${res.body.length} bytes), not the backend's 4.4 MB`)
  const next = await post({ model: 'deepseek/deepseek-chat', messages: HI })
  t.equal(next.statusCode, 200, 'the connection pool is healthy afterwards')
})

t.test('error bodies without the /v1 prefix have the same shape', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/chat/completions', payload: { model: 'deepseek/deepseek-chat' } })
  assertError(t, res, 400, { param: 'messages' })
})

t.test('a client-sent x-request-id is echoed on an error', async (t) => {
  const res = await post({ messages: HI }, { 'x-request-id': 'abc-123' })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-request-id'], 'abc-123')
})

t.test('a client-sent x-request-id is echoed on success', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-request-id'], 'abc-123')
})

t.test('a client-sent x-request-id is passed to the backend', async (t) => {
  const before = fakes.deepseek.requests.length
  const res = await post({ model: 'deepseek/deepseek-chat', messages: HI }, { 'x-request-id': 'abc-123' })
  t.equal(res.statusCode, 200)
  t.equal(fakes.deepseek.requests[before]?.headers['x-request-id'], 'abc-123')
})

t.test('an overlong x-request-id is replaced by a UUID', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a'.repeat(300) } })
  t.match(res.headers['x-request-id'], UUID)
})

t.test('an x-request-id with spaces is replaced by a UUID', async (t) => {
  const res = await post({ messages: HI }, { 'x-request-id': 'abc 123' })
  t.equal(res.statusCode, 400)
  t.match(res.headers['x-request-id'], UUID)
})

t.test('every request without an id gets a distinct UUID', async (t) => {
  const [a, b] = await Promise.all([post({}), post({})])
  t.match(a.headers['x-request-id'], UUID)
  t.match(b.headers['x-request-id'], UUID)
  t.not(a.headers['x-request-id'], b.headers['x-request-id'])
})
