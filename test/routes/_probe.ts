import { build, listen } from '../helper.js'
import { startFakeOllama } from '../fixtures/fake-upstreams/index.js'
const tds: Array<() => unknown> = []
const t = { teardown: (fn: () => unknown) => { tds.push(fn) } }
const slow = await startFakeOllama({ chunkDelayMs: 50 })
const app = await build(t, { providers: [{ id: 'ollama', type: 'ollama', baseUrl: slow.baseUrl }] })
const base = await listen(app)
const res = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'ollama/llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: true }) })
console.log('status', res.status)
const closing = app.close().then(() => console.log('closed'))
const text = await res.text()
console.log('text', JSON.stringify(text))
await closing
await slow.close()
