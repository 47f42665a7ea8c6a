// The benchmark's fake upstream, its own process on plain node:http, as cheap as an HTTP server can be:
// - POST /chat/completions, DeepSeek/OpenAI-style: a ~1 KB JSON answer, or with `stream: true` an SSE
//   stream of 50 chunks (+ a usage chunk when asked) and `data: [DONE]`. Models ending in a suffix of
//   PACED (lib/bodies.ts) get their chunks that many ms apart; others get all chunks at once.
// - POST /api/embed (Ollama native) and POST /v1/embeddings (OpenAI-shaped), both in
//   bench/fake-embedding-upstream.ts; GET /api/tags, GET /__stats.
// BENCH_FAKE_LATENCY_MS delays every answer by a fixed time (default 0: instant).
// Prints {"port":N} on stdout.
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { handleEmbed, handleOpenAIEmbed, readBody, send, type EmbedStats } from './fake-embedding-upstream.js'
import { PACED, STREAM_CHUNKS } from './lib/bodies.js'
import { announce, onStop } from './lib/child.js'

const LATENCY_MS = Number(process.env['BENCH_FAKE_LATENCY_MS'] ?? 0) || 0
const stats: EmbedStats = { requests: 0, inputs: 0 }

const ANSWER = 'Start with the dashboards\' cache: they keep results for six hours, so a refresh that ran before the copy ' +
  'finished still serves yesterday\'s figures. Check the cache timestamps on both dashboards, then the warehouse load ' +
  'time for the billing tables, then the rebuild step\'s query window. All three are read-only checks. If the load time ' +
  'is after the rebuild, trigger a cache refresh; if the window is off by a day, fix the job\'s date parameter. See ' +
  '"Warehouse loads" and "Dashboard caching" on the wiki for the commands and the on-call contacts.'
const WORDS = ANSWER.split(/(?<= )/)
const PIECES = Array.from({ length: STREAM_CHUNKS }, (_, i) => WORDS[i % WORDS.length] as string)
const USAGE = '{"prompt_tokens":212,"completion_tokens":150,"total_tokens":362,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":212}'
let ids = 0

function completion (model: string): string {
  return `{"id":"bench-${ids++}","object":"chat.completion","created":${Math.floor(Date.now() / 1000)},"model":${model},` +
    `"system_fingerprint":"fp_bench","choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(ANSWER)}},` +
    `"logprobs":null,"finish_reason":"stop"}],"usage":${USAGE}}`
}

function stream (res: ServerResponse, model: string, paceMs: number, usage: boolean): void {
  const head = `data: {"id":"bench-${ids++}","object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${model},"system_fingerprint":"fp_bench","choices":`
  const chunk = (i: number): string => {
    const role = i === 0 ? '"role":"assistant",' : ''
    const finish = i === STREAM_CHUNKS - 1 ? '"stop"' : 'null'
    return `${head}[{"index":0,"delta":{${role}"content":${JSON.stringify(PIECES[i])}},"logprobs":null,"finish_reason":${finish}}]}\n\n`
  }
  const end = (): void => {
    res.end((usage ? `${head}[],"usage":${USAGE}}\n\n` : '') + 'data: [DONE]\n\n')
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
  if (paceMs === 0) {
    // One write per chunk, as a real server produces them; the kernel may still coalesce them.
    for (let i = 0; i < STREAM_CHUNKS; i++) res.write(chunk(i))
    return end()
  }
  let i = 0
  const next = (): void => {
    if (res.destroyed) return
    res.write(chunk(i++))
    if (i < STREAM_CHUNKS) setTimeout(next, paceMs)
    else end()
  }
  next()
}

function chat (raw: string, res: ServerResponse): void {
  let body: { model?: unknown, stream?: unknown, stream_options?: { include_usage?: unknown } }
  try {
    body = JSON.parse(raw) as typeof body
  } catch {
    return send(res, 400, '{"error":{"message":"invalid JSON","type":"invalid_request_error"}}')
  }
  if (typeof body.model !== 'string') return send(res, 400, '{"error":{"message":"model is required","type":"invalid_request_error"}}')
  const model = JSON.stringify(body.model)
  if (body.stream !== true) return send(res, 200, completion(model))
  const suffix = Object.keys(PACED).find((s) => (body.model as string).endsWith(s))
  stream(res, model, suffix === undefined ? 0 : PACED[suffix] ?? 0, body.stream_options?.include_usage === true)
}

const later = (fn: () => void): void => { if (LATENCY_MS > 0) setTimeout(fn, LATENCY_MS); else fn() }

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/chat/completions') {
    readBody(req).then((raw) => { later(() => { chat(raw, res) }) }, () => { res.destroy() })
    return
  }
  if (req.method === 'POST' && req.url === '/api/embed') return later(() => { handleEmbed(req, res, stats) })
  if (req.method === 'POST' && req.url === '/v1/embeddings') return later(() => { handleOpenAIEmbed(req, res, stats) })
  if (req.method === 'GET' && req.url === '/api/tags') return send(res, 200, '{"models":[]}')
  if (req.method === 'GET' && req.url === '/__stats') return send(res, 200, JSON.stringify(stats))
  send(res, 404, '{"error":{"message":"not found","type":"invalid_request_error"}}')
})
// Longer than the gateway's pooled keep-alive, so idle sockets between workloads stay usable.
server.keepAliveTimeout = 65_000
server.maxRequestsPerSocket = 0

onStop(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
})
server.listen(Number(process.env['BENCH_FAKE_PORT'] ?? 0), '127.0.0.1', () => {
  announce({ port: (server.address() as AddressInfo).port })
})
