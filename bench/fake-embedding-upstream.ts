// A minimal Ollama-native embeddings upstream for the benchmark: POST /api/embed answers at once with
// deterministic 256-dim vectors. Unlike test/fixtures it records nothing and scripts nothing, so the
// upstream costs as little CPU as possible and the gateway is what gets measured.
// Run alone: `node --import tsx bench/fake-embedding-upstream.ts` prints {"port":N} on stdout.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'

export const BENCH_DIMENSIONS = 256

export interface FakeEmbeddingUpstream {
  baseUrl: string
  port: number
  /** Requests and inputs embedded since start (GET /__stats returns the same). */
  stats: { requests: number, inputs: number }
  close: () => Promise<void>
}

// Values k/1024, k in [-1024, 1024): exact in float32, so a base64 round trip through the gateway is lossless.
// Pre-rendered, because number → string is most of the cost of answering.
const RENDERED = Array.from({ length: 2048 }, (_, k) => String((k - 1024) / 1024))

/** FNV-1a of the text seeds a xorshift32 stream: cheap, deterministic, different per text. */
export function benchVector (text: string, dimensions = BENCH_DIMENSIONS): number[] {
  return vectorIndexes(text, dimensions).map((k) => (k - 1024) / 1024)
}

function vectorIndexes (text: string, dimensions: number): number[] {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  let x = h | 1
  const out = new Array<number>(dimensions)
  for (let i = 0; i < dimensions; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = (x >>> 0) & 2047
  }
  return out
}

function renderVector (text: string): string {
  return '[' + vectorIndexes(text, BENCH_DIMENSIONS).map((k) => RENDERED[k]).join(',') + ']'
}

function readBody (req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')) })
    req.on('error', reject)
  })
}

function send (res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

export async function startFakeEmbeddingUpstream (port = 0): Promise<FakeEmbeddingUpstream> {
  const stats = { requests: 0, inputs: 0 }
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/api/tags') return send(res, 200, '{"models":[]}')
    if (req.method === 'GET' && req.url === '/__stats') return send(res, 200, JSON.stringify(stats))
    if (req.method !== 'POST' || req.url !== '/api/embed') return send(res, 404, '{"error":"not found"}')
    readBody(req).then((raw) => {
      let parsed: { model?: unknown, input?: unknown }
      try {
        parsed = JSON.parse(raw) as { model?: unknown, input?: unknown }
      } catch {
        return send(res, 400, '{"error":"invalid JSON"}')
      }
      const input = typeof parsed.input === 'string' ? [parsed.input] : parsed.input
      if (typeof parsed.model !== 'string' || !Array.isArray(input) || !input.every((s) => typeof s === 'string')) {
        return send(res, 400, '{"error":"model (string) and input (string or array of strings) are required"}')
      }
      stats.requests++
      stats.inputs += input.length
      // Ollama counts tokens; a rough 1 per 4 characters is enough for usage numbers.
      const tokens = input.reduce((sum: number, s: string) => sum + Math.max(1, Math.ceil(s.length / 4)), 0)
      send(res, 200, `{"model":${JSON.stringify(parsed.model)},"embeddings":[${input.map(renderVector).join(',')}],` +
        `"total_duration":1,"load_duration":0,"prompt_eval_count":${tokens}}`)
    }, () => { res.destroy() })
  })
  // Longer than the gateway's pooled keep-alive, so idle sockets between workloads stay usable.
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => { resolve() })
  })
  const actual = (server.address() as AddressInfo).port
  return {
    baseUrl: `http://127.0.0.1:${actual}`,
    port: actual,
    stats,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}

// Run as its own process so the load generator's event loop never serves upstream traffic.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const upstream = await startFakeEmbeddingUpstream(Number(process.env['BENCH_FAKE_PORT'] ?? 0))
  process.stdout.write(JSON.stringify({ port: upstream.port }) + '\n')
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    upstream.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  // Started by bench/run.ts: stop when it goes away, even if it was killed before it could stop us.
  if (process.env['BENCH_PARENT_WATCH'] === '1') {
    process.stdout.on('error', () => {})
    process.stdin.once('close', stop).resume()
  }
}
