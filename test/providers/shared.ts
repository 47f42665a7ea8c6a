// Helpers for the per-provider tests: one fake upstream and one listening gateway per test, typed SDK
// errors, and raw SSE reading for what the SDK hides ([DONE], error events).
import type { FastifyInstance } from 'fastify'
import type OpenAI from 'openai'
import { APIError } from 'openai'
import type { ProviderConfig } from '../../src/config/schema.js'
import {
  startFakeDeepSeek, startFakeModelScope, startFakeOllama, startFakeZhipu, type FakeOptions, type FakeUpstream
} from '../fixtures/fake-upstreams/index.js'
import { build, listen, openai, providersFor, type Teardown } from '../helper.js'

export type ProviderId = 'deepseek' | 'zhipu' | 'modelscope' | 'ollama'

export interface Gateway {
  fake: FakeUpstream
  app: FastifyInstance
  /** Listening base URL, without /v1. */
  base: string
  /** openai v6 client with maxRetries 0. */
  client: OpenAI
}

export interface GatewayOptions {
  fake?: FakeOptions
  /** Overrides merged into the provider's config (keepAlive, options, apiKey…). */
  provider?: Partial<ProviderConfig>
}

const STARTERS = {
  deepseek: startFakeDeepSeek,
  zhipu: startFakeZhipu,
  modelscope: startFakeModelScope,
  ollama: startFakeOllama
} as const

export async function gateway (t: Teardown, provider: ProviderId, options: GatewayOptions = {}): Promise<Gateway> {
  const fake = await STARTERS[provider](options.fake)
  t.teardown(async () => { await fake.close() })
  const [config] = providersFor({ [provider]: fake })
  if (config === undefined) throw new Error(`no provider config for ${provider}`)
  const app = await build(t, { providers: [{ ...config, ...options.provider }] })
  const base = await listen(app)
  return { fake, app, base, client: openai(base) }
}

/** The APIError a call fails with (anything else, or success, fails the test). */
export async function apiError (promise: PromiseLike<unknown>): Promise<APIError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof APIError) return err
    throw err
  }
  throw new Error('expected the call to fail with an APIError')
}

export async function collect<T> (stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of stream) items.push(item)
  return items
}

export interface RawSse {
  status: number
  headers: Headers
  text: string
  /** Parsed `data:` payloads, `[DONE]` excluded. */
  events: any[]
  done: boolean
}

/** POSTs a streaming chat request with fetch and returns the SSE text as written on the wire. */
export async function rawSse (base: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<RawSse> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ ...body, stream: true })
  })
  const text = await res.text()
  const data = text.split('\n\n').filter((block) => block.startsWith('data: ')).map((block) => block.slice('data: '.length))
  return {
    status: res.status,
    headers: res.headers,
    text,
    events: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d)),
    done: data.includes('[DONE]')
  }
}

/** A chat request body with fields the SDK types do not know (what Python calls extra_body). */
export function withExtra<T extends object> (params: T, extra: Record<string, unknown>): T {
  return { ...params, ...extra }
}

/** `reasoning_content` is not in the SDK's types. */
export const reasoningOf = (message: object | undefined): unknown => (message as { reasoning_content?: unknown } | undefined)?.reasoning_content

/** Text of every delta field `field` across chunks, concatenated. */
export function joinDeltas (chunks: OpenAI.Chat.Completions.ChatCompletionChunk[], field: 'content' | 'reasoning_content'): string {
  return chunks.map((c) => (c.choices[0]?.delta as Record<string, unknown> | undefined)?.[field]).filter((v) => typeof v === 'string').join('')
}

/** Little-endian float32 bytes of a vector, base64: what `encoding_format: 'base64'` must return. */
export function float32Base64 (vector: number[]): string {
  const buf = Buffer.alloc(vector.length * 4)
  vector.forEach((v, i) => buf.writeFloatLE(v, i * 4))
  return buf.toString('base64')
}
