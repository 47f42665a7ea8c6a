// The embeddings routes of the benchmark's fake upstream (bench/fake-upstream.ts), answered at once with
// deterministic 1536-dim vectors of realistic values (normal, sd 1/sqrt(1536), as a unit-length embedding),
// each printed as the shortest decimal that reads back as its float32, as OpenAI's own answers are:
// - POST /api/embed, Ollama native (what qiao's ollama provider calls on a miss);
// - POST /v1/embeddings, OpenAI-shaped, float or base64: the same answer qiao gives from its cache, for the
//   direct and proxy lanes of the fully-cached workloads.
// Unlike test/fixtures it records nothing and scripts nothing, so the upstream costs as little CPU as
// possible and the gateway is what gets measured; it only counts requests and inputs (GET /__stats).
import type { IncomingMessage, ServerResponse } from 'node:http'

export const BENCH_DIMENSIONS = 1536

/** Requests and inputs embedded since start. */
export interface EmbedStats { requests: number, inputs: number }

// 4096 float32 values drawn once (seeded), pre-rendered: number → string is most of the cost of answering.
const VALUES = new Float32Array(4096)
{
  let x = 0x6d2b79f5
  const next = (): number => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return ((x >>> 0) + 1) / 2 ** 32 }
  for (let i = 0; i < VALUES.length; i++) VALUES[i] = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()) / Math.sqrt(BENCH_DIMENSIONS)
}
const shortest = (v: number): string => {
  for (let p = 1; p < 9; p++) if (Math.fround(Number(v.toPrecision(p))) === v) return String(Number(v.toPrecision(p)))
  return String(Number(v.toPrecision(9)))
}
const RENDERED = Array.from(VALUES, shortest)

/** The vector of a text, as float32 values. */
export function benchVector (text: string, dimensions = BENCH_DIMENSIONS): number[] {
  return vectorIndexes(text, dimensions).map((k) => VALUES[k] as number)
}

/** FNV-1a of the text seeds a xorshift32 stream: cheap, deterministic, different per text. */
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
    out[i] = (x >>> 0) & 4095
  }
  return out
}

// Rendered answers of the texts seen first (the fully-cached workloads repeat one batch): the direct
// lane then costs the fake almost nothing.
const rendered = new Map<string, { float: string, base64: string }>()

function renderVector (text: string, format: 'float' | 'base64' = 'float'): string {
  let known = rendered.get(text)
  if (known === undefined) {
    const indexes = vectorIndexes(text, BENCH_DIMENSIONS)
    known = {
      float: '[' + indexes.map((k) => RENDERED[k]).join(',') + ']',
      base64: '"' + Buffer.from(Float32Array.from(indexes, (k) => VALUES[k] as number).buffer).toString('base64') + '"'
    }
    if (rendered.size < 256) rendered.set(text, known)
  }
  return known[format]
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

/** The request's texts, or an error answer sent. */
function inputsOf (raw: string, res: ServerResponse, stats: EmbedStats): { model: string, input: string[], format: unknown } | undefined {
  let parsed: { model?: unknown, input?: unknown, encoding_format?: unknown }
  try {
    parsed = JSON.parse(raw) as typeof parsed
  } catch {
    send(res, 400, '{"error":"invalid JSON"}')
    return undefined
  }
  const input = typeof parsed.input === 'string' ? [parsed.input] : parsed.input
  if (typeof parsed.model !== 'string' || !Array.isArray(input) || !input.every((s) => typeof s === 'string')) {
    send(res, 400, '{"error":"model (string) and input (string or array of strings) are required"}')
    return undefined
  }
  stats.requests++
  stats.inputs += input.length
  return { model: parsed.model, input, format: parsed.encoding_format }
}

// A rough 1 token per 4 characters is enough for usage numbers.
const tokensOf = (input: string[]): number => input.reduce((sum, s) => sum + Math.max(1, Math.ceil(s.length / 4)), 0)

/** POST /api/embed: `input` (string or strings) → `embeddings`, with Ollama's usage fields. */
export function handleEmbed (req: IncomingMessage, res: ServerResponse, stats: EmbedStats): void {
  readBody(req).then((raw) => {
    const request = inputsOf(raw, res, stats)
    if (request === undefined) return
    send(res, 200, `{"model":${JSON.stringify(request.model)},"embeddings":[${request.input.map((text) => renderVector(text)).join(',')}],` +
      `"total_duration":1,"load_duration":0,"prompt_eval_count":${tokensOf(request.input)}}`)
  }, () => { res.destroy() })
}

/** POST /v1/embeddings: OpenAI's answer, float (default) or base64. */
export function handleOpenAIEmbed (req: IncomingMessage, res: ServerResponse, stats: EmbedStats): void {
  readBody(req).then((raw) => {
    const request = inputsOf(raw, res, stats)
    if (request === undefined) return
    const format = request.format === 'base64' ? 'base64' : 'float'
    const data = request.input.map((text, index) => `{"object":"embedding","index":${index},"embedding":${renderVector(text, format)}}`)
    const tokens = tokensOf(request.input)
    send(res, 200, `{"object":"list","data":[${data.join(',')}],"model":${JSON.stringify(request.model)},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`)
  }, () => { res.destroy() })
}
