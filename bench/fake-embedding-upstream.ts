// The Ollama-native embeddings route of the benchmark's fake upstream (bench/fake-upstream.ts):
// POST /api/embed answers at once with deterministic 256-dim vectors. Unlike test/fixtures it records
// nothing and scripts nothing, so the upstream costs as little CPU as possible and the gateway is what
// gets measured; it only counts requests and inputs (GET /__stats).
import type { IncomingMessage, ServerResponse } from 'node:http'

export const BENCH_DIMENSIONS = 256

/** Requests and inputs embedded since start. */
export interface EmbedStats { requests: number, inputs: number }

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

export function readBody (req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')) })
    req.on('error', reject)
  })
}

export function send (res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

/** POST /api/embed: `input` (string or strings) → `embeddings`, with Ollama's usage fields. */
export function handleEmbed (req: IncomingMessage, res: ServerResponse, stats: EmbedStats): void {
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
}
