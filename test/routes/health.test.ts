// Liveness and readiness, including readiness while the gateway shuts down.
import t from 'tap'
import { request, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { build, listen, providersFor, startFakes } from '../helper.js'
import { startFakeOllama } from '../fixtures/fake-upstreams/index.js'

const fakes = await startFakes(t)
const app = await build(t, { providers: providersFor(fakes) })

t.test('/healthz answers 200 ok', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'health-1' } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
  t.equal(res.headers['x-request-id'], 'health-1')
})

t.test('/readyz answers 200 and lists the configured providers', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { status: 'ok', dependencies: {} })
  t.same(res.json().providers, [
    { id: 'deepseek', type: 'deepseek' },
    { id: 'zhipu', type: 'zhipu' },
    { id: 'modelscope', type: 'modelscope' },
    { id: 'ollama', type: 'ollama' }
  ])
})

t.test('/readyz with no providers is still ready and lists none', async (t) => {
  const app = await build(t, { providers: [] })
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 200)
  t.same(res.json().providers, [])
})

t.test('the health routes exist only without /v1', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/v1/healthz' })).statusCode, 404)
})

interface RawResponse { status: number, headers: Record<string, string>, body: string }

/**
 * Asks /readyz on a connection that has begun its request before `close()` and finishes it after:
 * the server no longer accepts connections then, but must still answer one that is mid-request.
 */
async function readyzDuringClose (app: FastifyInstance): Promise<RawResponse> {
  const { port } = new URL(await listen(app))
  const socket: Socket = connect(Number(port), '127.0.0.1')
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let raw = ''
  socket.setEncoding('utf8')
  socket.on('data', (text: string) => { raw += text })
  const ended = new Promise<void>((resolve) => socket.once('close', () => { resolve() }))
  // The started request line makes the connection active, so close() waits for it instead of dropping it.
  await new Promise<void>((resolve) => socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n', () => { resolve() }))
  // A round trip on another connection lets the server read those bytes first.
  await (await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { connection: 'close' } })).text()
  const closing = app.close()
  while (app.server.listening) await new Promise((resolve) => setImmediate(resolve))
  socket.end('x-request-id: closing-1\r\n\r\n')
  await Promise.all([ended, closing])
  const [head = '', body = ''] = raw.split('\r\n\r\n')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

t.test('/readyz answers 503 once close() has begun', async (t) => {
  const app = await build(t, { providers: providersFor(fakes) })
  const res = await readyzDuringClose(app)
  t.equal(res.status, 503)
})

// Fastify's own 503 during close (return503OnClosing) would bypass the handler, the request id and the error shape.
t.test('/readyz while closing says shutting_down and echoes the request id', async (t) => {
  const app = await build(t, { providers: providersFor(fakes) })
  const res = await readyzDuringClose(app)
  t.equal(res.status, 503)
  t.equal(res.headers['x-request-id'], 'closing-1')
  t.match(JSON.parse(res.body), { status: 'shutting_down', providers: [{ id: 'deepseek' }, { id: 'zhipu' }, { id: 'modelscope' }, { id: 'ollama' }] })
})

t.test('a stream in flight when close() begins still completes', async (t) => {
  const slow = await startFakeOllama({ chunkDelayMs: 20 })
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: [{ id: 'ollama', type: 'ollama', baseUrl: slow.baseUrl }] })
  const base = await listen(app)
  // Connection: close, so the finished stream does not leave an idle keep-alive socket that close() waits on.
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' } }, resolve)
    req.once('error', reject)
    req.end(JSON.stringify({ model: 'ollama/llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: true }))
  })
  t.equal(response.statusCode, 200)
  const closing = app.close()
  let text = ''
  for await (const piece of response) text += String(piece)
  await closing
  t.match(text, /data: \[DONE\]\n\n$/, 'the in-flight stream ends normally')
  t.match(text, /"content":"Hello"/)
})
