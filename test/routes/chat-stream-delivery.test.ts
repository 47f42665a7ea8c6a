// Streamed chunks reach the client as the backend sends them: none is held back waiting for more
// upstream data, and a client that leaves mid-stream frees the backend at once.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { build, listen, providersFor, startFakes } from '../helper.js'
import { HI } from '../routing/support.js'

const fakes = await startFakes(t)
const app = await build(t, { providers: providersFor(fakes) })
const base = await listen(app)

/** Reads the response until `count` data events have arrived, or fails after `ms`. */
async function readEvents (reader: ReadableStreamDefaultReader<Uint8Array>, count: number, ms = 3000): Promise<string[]> {
  const decoder = new TextDecoder()
  let text = ''
  const deadline = Date.now() + ms
  while (text.split('\n\n').filter((e) => e.startsWith('data: ')).length < count) {
    const timer = new Promise<never>((_resolve, reject) => setTimeout(() => { reject(new Error(`fewer than ${count} events within ${ms} ms: ${text}`)) }, deadline - Date.now()).unref())
    const { value, done } = await Promise.race([reader.read(), timer])
    if (done === true) break
    text += decoder.decode(value, { stream: true })
  }
  return text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice('data: '.length))
}

for (const [name, fake, model] of [
  ['an SSE backend', fakes.deepseek, 'deepseek/deepseek-chat'],
  ['an Ollama NDJSON backend', fakes.ollama, 'ollama/llama3.2']
] as const) {
  t.test(`the chunks ${name} has sent reach the client while it is still streaming`, async (t) => {
    fake.enqueue({ kind: 'stallMidStream' })
    const closedBefore = fake.closedConnections
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: HI, stream: true })
    })
    t.equal(res.status, 200)
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const data = await readEvents(reader, 2)
    const chunks = data.map((d) => JSON.parse(d))
    t.equal(chunks.length, 2, 'both chunks the backend sent before it stalled')
    t.ok(chunks.every((c) => c.object === 'chat.completion.chunk'))
    t.equal(fake.closedConnections, closedBefore, 'the backend is still streaming')

    await reader.cancel()
    await fake.waitForClosedConnections(closedBefore + 1)
    t.pass('the client leaving closed the backend connection')
  })
}

t.test('a finished stream keeps its backend connection for the next request, even when the response ends later', async (t) => {
  // A DeepSeek-style backend that sends [DONE], then ends the response a moment later (its own write):
  // the terminator of the chunked body arrives after the final event.
  const sockets = new Set<unknown>()
  const upstream = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'deepseek-chat', choices: [{ index: 0, delta: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] }
    res.write(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`)
    setTimeout(() => { res.end() }, 50)
  })
  upstream.on('connection', (socket) => { sockets.add(socket) })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { upstream.closeAllConnections(); upstream.close() })
  const { port } = upstream.address() as AddressInfo
  const gateway = await build(t, { providers: [{ id: 'late', type: 'deepseek', baseUrl: `http://127.0.0.1:${port}`, apiKey: 'sk-late', models: ['deepseek-chat'] }] })
  const url = `${await listen(gateway)}/v1/chat/completions`
  for (let i = 0; i < 3; i++) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'late/deepseek-chat', messages: HI, stream: true }) })
    t.match(await res.text(), /"content":"hi"[\s\S]*data: \[DONE\]/, `stream ${i + 1} is complete`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(sockets.size, 1, 'three streams, one backend connection')
})
