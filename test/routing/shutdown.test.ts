// Graceful shutdown in-process: in-flight streams finish, new requests get an OpenAI-style 503, requests
// and streams still open at server.shutdownTimeout end with an error (see sigterm.test.ts for the process).
import t from 'tap'
import { connect, type Socket } from 'node:net'
import { FAILURE_CLASSES } from '../../src/errors/gateway-error.js'
import { startFakeOllama } from '../fixtures/fake-upstreams/index.js'
import { build, listen, providersFor, startFakes } from '../helper.js'
import { assertErrorEnding, chats, contentOf, HI, LONG_TEXT, postChat, readAll, sseData } from './support.js'

t.test('a stream in flight when close() begins still completes with [DONE]', async (t) => {
  const slow = await startFakeOllama({ chunkDelayMs: 20 })
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: providersFor({ ollama: slow }) })
  const base = await listen(app)
  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const response = await postChat(base, { model: 'ollama/llama3.2', stream: true })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['x-qiao-attempts'], '1')
  const closing = app.close()
  const text = await readAll(response)
  await closing
  const data = sseData(t, text)
  t.equal(data.at(-1), '[DONE]', 'the stream ended normally')
  t.equal(contentOf(data.slice(0, -1).map((d) => JSON.parse(d))), LONG_TEXT, 'with the whole answer')
  t.equal(chats(slow).length, 1)
  t.equal(slow.closedConnections, 0, 'the upstream stream was not cut')
})

t.test('a new request during shutdown gets an OpenAI-style 503 gateway_shutting_down', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor(fakes) })
  const { port } = new URL(await listen(app))
  // The server accepts no connections once closing; a connection that has begun its request still gets answered.
  const socket: Socket = connect(Number(port), '127.0.0.1')
  t.teardown(() => { socket.destroy() })
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let raw = ''
  socket.setEncoding('utf8')
  socket.on('data', (text: string) => { raw += text })
  const ended = new Promise<void>((resolve) => socket.once('close', () => { resolve() }))
  await new Promise<void>((resolve) => socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n', () => { resolve() }))
  // A round trip on another connection lets the server read those bytes first.
  await (await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: 'close' } })).text()
  const closing = app.close()
  while (app.server.listening) await new Promise((resolve) => setImmediate(resolve))
  const body = JSON.stringify({ model: 'deepseek/deepseek-chat', messages: HI })
  socket.end(`content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  await Promise.all([ended, closing])

  const [head = '', payload = ''] = raw.split('\r\n\r\n')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
  t.equal(Number(statusLine.split(' ')[1]), 503)
  t.equal(headers['retry-after'], '1')
  t.equal(headers['connection'], 'close')
  t.ok((FAILURE_CLASSES as readonly string[]).includes(headers['x-qiao-error'] ?? ''), 'classed in x-qiao-error from the closed list')
  t.same(JSON.parse(payload), {
    error: { message: 'The gateway is shutting down; retry on another instance', type: 'api_error', param: null, code: 'gateway_shutting_down' }
  })
  t.equal(chats(fakes.deepseek).length, 0, 'the backend never saw it')
})

t.test('a stream still running at server.shutdownTimeout ends with an error event', async (t) => {
  const slow = await startFakeOllama({ chunkDelayMs: 100 })
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: providersFor({ ollama: slow }), server: { shutdownTimeout: '300ms' } })
  const base = await listen(app)
  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const response = await postChat(base, { model: 'ollama/llama3.2', stream: true })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['x-qiao-attempts'], '1')
  const closing = app.close()
  const text = await readAll(response)
  await closing
  const { chunks } = assertErrorEnding(t, text, 'gateway_shutting_down')
  const content = contentOf(chunks)
  t.ok(content.length < LONG_TEXT.length && LONG_TEXT.startsWith(content), 'the answer was cut, not faked complete')
  t.equal(chats(slow).length, 1)
  await slow.waitForClosedConnections(1)
  t.equal(slow.closedConnections, 1, 'the upstream request was aborted')
})

t.test('a non-streamed request still waiting at server.shutdownTimeout gets a 503 gateway_shutting_down', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor(fakes), server: { shutdownTimeout: '300ms' } })
  const base = await listen(app)
  fakes.deepseek.enqueue({ kind: 'hang' })
  const pending = postChat(base, { model: 'deepseek/deepseek-chat' })
  await fakes.deepseek.waitForRequests(1)
  const closing = app.close()
  const response = await pending
  const text = await readAll(response)
  await closing
  t.equal(response.statusCode, 503)
  t.equal(response.headers['retry-after'], '1')
  t.match(JSON.parse(text), { error: { type: 'api_error', code: 'gateway_shutting_down' } })
  t.equal(chats(fakes.deepseek).length, 1)
  await fakes.deepseek.waitForClosedConnections(1)
  t.equal(fakes.deepseek.closedConnections, 1, 'the upstream request was aborted')
})
