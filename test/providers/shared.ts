// Helpers for the per-provider tests: one fake upstream and one listening gateway per test, typed SDK
// errors, raw SSE reading for what the SDK hides ([DONE], error events), and the cases providers share.
import type { FastifyInstance } from 'fastify'
import type OpenAI from 'openai'
import { APIError, BadRequestError, InternalServerError, NotFoundError, RateLimitError } from 'openai'
import type { Test } from 'tap'
import type { ProviderConfig } from '../../src/config/schema.js'
import {
  defaultReply, fakeVector, FAKE_DEFAULT_DIMENSIONS, startFakeDeepSeek, startFakeModelScope, startFakeOllama, startFakeZhipu,
  type FakeOptions, type FakeUpstream, type Scenario
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

/** POSTs a streaming chat request with fetch; the body is the caller's to read. */
export async function streamChat (base: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ ...body, stream: true })
  })
}

/** POSTs a streaming chat request with fetch and returns the SSE text as written on the wire. */
export async function rawSse (base: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<RawSse> {
  const res = await streamChat(base, body, headers)
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

// Cases every provider (or most) must pass, with the provider's own model names, error bodies and wire
// details as parameters. A provider file calls the ones that apply to it, next to its own quirks.

export interface Subject {
  provider: ProviderId
  /** The provider as test names spell it: 'DeepSeek'. */
  name: string
  /** A chat model the fake serves, with the provider prefix. */
  model: string
  messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[]
}

type Call = (client: OpenAI) => PromiseLike<unknown>

/** The gateway refuses a request it knows the provider would reject: a 400 naming the field, and no upstream call. */
export function refusedCase (t: Test, s: Subject, title: string, call: Call, param: string, options: { upstreamCalls?: (fake: FakeUpstream) => number } = {}): void {
  t.test(title, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    const err = await apiError(call(client))
    t.ok(err instanceof BadRequestError)
    t.equal(err.status, 400)
    t.equal(err.param, param)
    t.equal(options.upstreamCalls?.(fake) ?? fake.requests.length, 0, `${s.name} is not called`)
  })
}

export function nTooLargeCase (t: Test, s: Subject, n: number): void {
  refusedCase(t, s, 'n > 1 is refused with 400 param n', async (client) => await client.chat.completions.create({ model: s.model, messages: s.messages, n }), 'n')
}

export function developerAndMaxTokensCase (t: Test, s: Subject, maxTokens: number): void {
  t.test('developer becomes system and max_completion_tokens becomes max_tokens', async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    await client.chat.completions.create({ model: s.model, messages: [{ role: 'developer', content: 'Be brief.' }, ...s.messages], max_completion_tokens: maxTokens })
    const body = fake.requests[0]?.body
    t.same(body.messages, [{ role: 'system', content: 'Be brief.' }, ...s.messages])
    t.equal(body.max_tokens, maxTokens)
    t.notOk('max_completion_tokens' in body)
  })
}

/**
 * A stream the client asked no usage of has no usage chunk, and [DONE] ends it. `upstreamUsage`: the provider is
 * asked for usage all the same (its stream_options); `explicitFalse`: the client says include_usage: false, not nothing.
 */
export function unaskedUsageCase (t: Test, s: Subject, options: { upstreamUsage: boolean, explicitFalse: boolean }): void {
  const though = options.upstreamUsage ? `, though ${s.name} is still asked for usage` : ''
  t.test(`without include_usage the wire has no usage chunk and ends with [DONE]${though}`, async (t) => {
    const { fake, base } = await gateway(t, s.provider)
    const sse = await rawSse(base, { model: s.model, messages: s.messages, ...(options.explicitFalse && { stream_options: { include_usage: false } }) })

    t.equal(sse.status, 200)
    t.match(sse.headers.get('content-type'), /^text\/event-stream/)
    t.ok(sse.done, 'data: [DONE] was written')
    t.ok(sse.text.trimEnd().endsWith('data: [DONE]'), '[DONE] is the last event')
    t.ok(sse.events.length > 0)
    t.ok(sse.events.every((e) => e.usage === undefined || e.usage === null), 'no chunk carries usage')
    t.ok(sse.events.every((e) => e.choices.length > 0), 'no choices: [] chunk')
    t.equal(sse.events.map((e) => e.choices[0].delta.content ?? '').join(''), defaultReply(s.provider).content)
    t.notMatch(sse.text, /keep-alive/, "keep-alive comments (DeepSeek's) are not relayed")
    t.match(fake.requests[0]?.body, { stream: true, ...(options.upstreamUsage && { stream_options: { include_usage: true } }) }, 'stream: true is explicit')
  })
}

/** `stream().finalChatCompletion()` puts the streamed tool call back together. */
export function finalToolCallCase (t: Test, s: Subject, tool: OpenAI.Chat.Completions.ChatCompletionFunctionTool, args: Record<string, unknown>): void {
  t.test(`finalChatCompletion() assembles a tool call streamed from ${s.name}`, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'toolCall', name: tool.function.name, arguments: args })
    const final = await client.chat.completions.stream({ model: s.model, messages: s.messages, tools: [tool] }).finalChatCompletion()
    const call = final.choices[0]?.message.tool_calls?.[0]

    t.equal(final.choices[0]?.finish_reason, 'tool_calls')
    t.equal(call?.type, 'function')
    t.match(call?.id, /^call_/)
    t.equal(call?.type === 'function' ? call.function.name : undefined, tool.function.name)
    t.same(JSON.parse(call?.type === 'function' ? call.function.arguments : '{}'), args)
    t.equal(final.model, s.model)
  })
}

export interface EmbeddingSubject {
  provider: 'zhipu' | 'modelscope' | 'ollama'
  name: string
  model: string
  /** What the provider is asked for: 'float' from the OpenAI-shaped APIs, nothing from Ollama (floats only). */
  upstreamEncoding: 'float' | undefined
}

/** encoding_format float and base64 as the client asked, whatever the provider was asked; dimensions passed on. */
export function embeddingFormatCases (t: Test, s: EmbeddingSubject, dimensions: number): void {
  const dims = FAKE_DEFAULT_DIMENSIONS[s.provider]
  const askedFor = (t: Test, fake: FakeUpstream) => {
    const body = fake.requests[0]?.body
    if (s.upstreamEncoding === undefined) t.notOk('encoding_format' in body, `${s.name} is sent no encoding_format`)
    else t.equal(body.encoding_format, s.upstreamEncoding, `${s.name} is asked for ${s.upstreamEncoding}`)
  }

  t.test('embeddings with encoding_format float are number arrays', async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    const data = await client.embeddings.create({ model: s.model, input: 'only text', encoding_format: 'float' })
    // Floats are printed as the shortest decimals that read back as the stored float32 values.
    t.same(Array.from(new Float32Array(data.data[0]?.embedding ?? [])), fakeVector('only text', dims))
    askedFor(t, fake)
  })

  t.test('embeddings with an explicit encoding_format base64 are little-endian float32 base64 strings', async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    const data = await client.embeddings.create({ model: s.model, input: 'only text', encoding_format: 'base64' })
    t.equal(data.data[0]?.embedding as unknown, float32Base64(fakeVector('only text', dims)))
    askedFor(t, fake)
  })

  t.test(`embedding dimensions are passed through to ${s.name}`, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    const data = await client.embeddings.create({ model: s.model, input: 'sized', dimensions })
    t.equal(fake.requests[0]?.body.dimensions, dimensions)
    t.same(data.data[0]?.embedding, fakeVector('sized', dimensions))
  })
}

export function unknownModelCase (t: Test, s: Subject, upstreamModel: string, message: RegExp): void {
  t.test(`an unknown ${s.name} model is a 404 NotFoundError model_not_found with its message and the request id`, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    const requestId = `req-${s.provider}-unknown-model`
    const err = await apiError(client.chat.completions.create({ model: `${s.provider}/${upstreamModel}`, messages: s.messages }, { headers: { 'x-request-id': requestId } }))
    t.ok(err instanceof NotFoundError)
    t.equal(err.status, 404)
    t.equal(err.code, 'model_not_found')
    t.match(err.message, message)
    t.equal(err.requestID, requestId)
    t.equal(err.headers?.get('x-request-id'), requestId)
    t.equal(fake.requests[0]?.body.model, upstreamModel)
  })
}

/**
 * A provider key the backend refuses is the gateway's fault, not the client's: a 502 that shows neither the key
 * nor its tail (DeepSeek echoes the last four characters). `refusal` scripts the backend's 401 where the fake
 * does not check keys itself.
 */
export function rejectedKeyCase (t: Test, s: Subject, wrongKey: string, refusal?: Scenario): void {
  t.test(`a provider key ${s.name} rejects becomes 502 upstream_auth_error that does not reveal the key`, async (t) => {
    const { fake, client } = await gateway(t, s.provider, { provider: { apiKey: wrongKey } })
    if (refusal !== undefined) fake.enqueue(refusal)
    const err = await apiError(client.chat.completions.create({ model: s.model, messages: s.messages }))
    t.ok(err instanceof InternalServerError)
    t.equal(err.status, 502)
    t.equal(err.code, 'upstream_auth_error')
    for (const secret of [wrongKey, wrongKey.slice(-4)]) {
      t.notMatch(err.message, secret)
      t.notMatch(JSON.stringify(err.error), secret)
    }
    t.equal(fake.requests[0]?.headers['authorization'], `Bearer ${wrongKey}`)
    t.match(err.requestID, /^[0-9a-f-]{36}$/)
    t.equal(err.requestID, err.headers?.get('x-request-id'))
  })
}

export function rateLimitedCase (t: Test, s: Subject, what: string, refusal: { body: object, retryAfter: string }, message: RegExp): void {
  t.test(`${what} with retry-after is a RateLimitError that passes retry-after on`, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'error', status: 429, body: refusal.body, headers: { 'retry-after': refusal.retryAfter } })
    const requestId = `req-${s.provider}-429`
    const err = await apiError(client.chat.completions.create({ model: s.model, messages: s.messages }, { headers: { 'x-request-id': requestId } }))
    t.ok(err instanceof RateLimitError)
    t.equal(err.status, 429)
    t.equal(err.code, 'rate_limit_exceeded')
    t.match(err.message, message)
    t.equal(err.headers?.get('retry-after'), refusal.retryAfter)
    t.equal(err.requestID, requestId)
  })
}

/** An exhausted balance or allowance will not heal by retrying: 402, and x-should-retry: false keeps the SDK from trying again. */
export function quotaExhaustedCase (t: Test, s: Subject, what: string, refusal: Scenario, message: RegExp): void {
  t.test(`${what} is a 402 with x-should-retry: false, so the SDK calls once`, async (t) => {
    const { fake, base } = await gateway(t, s.provider)
    fake.enqueue(refusal, refusal, refusal)
    const err = await apiError(openai(base, { maxRetries: 2 }).chat.completions.create({ model: s.model, messages: s.messages }))
    t.equal(err.status, 402)
    t.equal(err.code, 'insufficient_quota')
    t.match(err.message, message)
    t.equal(err.headers?.get('x-should-retry'), 'false')
    t.equal(fake.requests.length, 1)
  })
}

export function serverErrorCase (t: Test, s: Subject, body: object, message: RegExp): void {
  t.test(`a 500 from ${s.name} becomes a 502 InternalServerError`, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'error', status: 500, body })
    const err = await apiError(client.chat.completions.create({ model: s.model, messages: s.messages }))
    t.ok(err instanceof InternalServerError)
    t.equal(err.status, 502)
    t.equal(err.code, 'upstream_error')
    t.match(err.message, message)
    t.equal(err.requestID, err.headers?.get('x-request-id'))
  })
}

/** A 2xx body that is not JSON, on chat and (where the provider has them) on embeddings. */
export function notJsonCase (t: Test, s: Subject, embeddingModel?: string): void {
  t.test('an answer that is not JSON becomes 502 upstream_bad_response', async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'garbage' }, { kind: 'garbage' })
    const chat = await apiError(client.chat.completions.create({ model: s.model, messages: s.messages }))
    t.ok(chat instanceof InternalServerError)
    t.equal(chat.status, 502)
    t.equal(chat.code, 'upstream_bad_response')
    if (embeddingModel === undefined) return
    const embed = await apiError(client.embeddings.create({ model: embeddingModel, input: 'x' }))
    t.equal(embed.status, 502)
    t.equal(embed.code, 'upstream_bad_response')
  })
}

export function garbageStreamCase (t: Test, s: Subject): void {
  t.test('a stream of garbage fails the client with upstream_bad_response', async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'garbage' })
    const err = await apiError((async () => await collect(await client.chat.completions.create({ model: s.model, messages: s.messages, stream: true })))())
    t.equal(err.code, 'upstream_bad_response')
  })
}

/** The backend drops the connection before any answer; `call` is the request that meets it (a chat by default). */
export function droppedConnectionCase (t: Test, s: Subject, call?: Call): void {
  t.test(`a connection ${s.name} drops before answering becomes a 503`, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'destroy' })
    const err = await apiError(call?.(client) ?? client.chat.completions.create({ model: s.model, messages: s.messages }))
    t.ok(err instanceof InternalServerError)
    t.equal(err.status, 503)
    t.equal(err.requestID, err.headers?.get('x-request-id'))
  })
}

/** A non-streaming answer must not come back truncated when the backend's answer breaks off. */
export function cutOffAnswerCase (t: Test, s: Subject): void {
  t.test(`a non-streaming answer ${s.name} cuts off half-way is a 502 upstream_stream_broken, not a truncated completion nor an unreachable backend`, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'midStreamError' })
    const err = await apiError(client.chat.completions.create({ model: s.model, messages: s.messages }))
    t.ok(err instanceof InternalServerError)
    t.equal(err.status, 502)
    t.equal(err.code, 'upstream_stream_broken')
  })
}

export interface StreamFailure {
  /** How the failure reads in test names: 'a stream DeepSeek drops half-way'. */
  what: string
  /** The model streamed, if not the subject's. */
  model?: string
  code: string
  /** The backend's own words, where it sends any. */
  message?: RegExp
  /** What the stream carries before it breaks: a thinking model's reasoning comes first. */
  arrivesFirst?: 'content' | 'reasoning_content'
}

/** A stream that fails after it started: the SDK throws while iterating, and the wire ends with an error event, no [DONE]. */
export function streamFailureCases (t: Test, s: Subject, failure: StreamFailure): void {
  const model = failure.model ?? s.model

  t.test(`${failure.what} makes the SDK throw an APIError`, async (t) => {
    const { fake, client } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'midStreamError' })
    const stream = await client.chat.completions.create({ model, messages: s.messages, stream: true })
    const seen: OpenAI.Chat.Completions.ChatCompletionChunk[] = []
    const err = await apiError((async () => { for await (const c of stream) seen.push(c) })())
    t.equal(err.status, undefined, 'an in-band error event, not an HTTP status')
    t.equal(err.code, failure.code)
    if (failure.message !== undefined) t.match(err.message, failure.message)
    t.match(joinDeltas(seen, failure.arrivesFirst ?? 'content'), /\S/, 'the chunks before the failure arrived')
    t.ok(defaultReply(s.provider).content.startsWith(joinDeltas(seen, 'content')), 'the content that arrived is the start of the reply')
  })

  t.test(`${failure.what} ends the SSE with an error event and no [DONE]`, async (t) => {
    const { fake, base } = await gateway(t, s.provider)
    fake.enqueue({ kind: 'midStreamError' })
    const sse = await rawSse(base, { model, messages: s.messages })
    t.equal(sse.status, 200)
    t.notOk(sse.done, 'no [DONE] after a failure')
    t.match(sse.events.at(-1), { error: { message: String, type: 'api_error', code: failure.code } })
    t.ok(sse.events.slice(0, -1).every((e) => e.error === undefined))
    t.ok(sse.events.length > 1, 'chunks before the failure were relayed')
  })
}

export function clientAbortCase (t: Test, s: Subject): void {
  t.test(`a client that aborts mid-stream makes the gateway close the ${s.name} connection`, async (t) => {
    const { fake, client } = await gateway(t, s.provider, { fake: { chunkDelayMs: 50 } })
    // About 2 s of stream, so the abort lands long before the end.
    fake.enqueue({ kind: 'text', content: Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') })
    const controller = new AbortController()
    const stream = await client.chat.completions.create({ model: s.model, messages: s.messages, stream: true }, { signal: controller.signal })
    const received: string[] = []
    // The SDK ends the iteration quietly once its own signal aborted (after any chunks it had already read).
    for await (const chunk of stream) {
      received.push(chunk.choices[0]?.delta.content ?? '')
      controller.abort()
    }
    t.ok(received.length > 0)
    t.notMatch(received.join(''), 'word39', 'the client did not read to the end')
    await fake.waitForClosedConnections(1)
    t.equal(fake.closedConnections, 1)
  })
}
