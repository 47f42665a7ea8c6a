// The cases every supported openai-node major runs against qiao: chat, streams with usage, tool helpers,
// embeddings in both encodings, typed errors and the response headers. Each SDK's test file says where
// its version differs (client options, where the tool helpers live, how an error exposes its request id).
import type { Test } from 'tap'
import { build, listen, providersFor, startFakes, type Teardown } from '../helper.js'
import { defaultReply, fakeVector, FAKE_DEFAULT_DIMENSIONS, type FakeUpstream } from '../fixtures/fake-upstreams/index.js'

/** The fields of a chat completion the cases read, as both SDK majors type them. */
export interface Completion {
  object: string
  id: string
  model: string
  choices: Array<{
    finish_reason: string | null
    message: {
      role: string
      content: string | null
      tool_calls?: Array<{ id: string, type: string, function?: { name: string, arguments: string } }> | undefined
    }
  }>
}

export interface Chunk {
  id: string
  model: string
  choices: Array<{ finish_reason: string | null, delta: { role?: string | undefined, content?: string | null | undefined } }>
  usage?: { prompt_tokens: number, completion_tokens: number, total_tokens: number } | null | undefined
}

interface Embeddings {
  object: string
  model: string
  data: Array<{ index: number, embedding: number[] }>
  usage: { prompt_tokens: number }
}

interface RawResponse {
  headers: { get: (name: string) => string | null }
  json: () => Promise<unknown>
}

/** An SDK call: awaitable, or read with its HTTP response. */
interface Call<T> extends Promise<T> {
  withResponse: () => Promise<{ data: T, response: RawResponse, request_id: string | null | undefined }>
  asResponse: () => Promise<RawResponse>
}

type Message = { role: 'user', content: string }
interface ChatBody { model: string, messages: Message[], temperature?: number, max_tokens?: number }
interface CallOptions { headers?: Record<string, string>, signal?: AbortSignal }

/** The part of the client the cases call, identical in shape in v4 and v6. */
export interface SdkClient {
  chat: {
    completions: {
      create: {
        (body: ChatBody & { stream?: false }, options?: CallOptions): Call<Completion>
        (body: ChatBody & { stream: true, stream_options?: { include_usage: boolean } }, options?: CallOptions): Call<AsyncIterable<Chunk>>
      }
    }
  }
  embeddings: {
    create: (body: { model: string, input: string | string[], encoding_format?: 'float' | 'base64', dimensions?: number }) => Call<Embeddings>
  }
}

interface WeatherFunction<Args> {
  name: string
  description: string
  parameters: Record<string, unknown>
  parse: (input: string) => Args
  function: (args: Args) => unknown
}
interface RunToolsBody { model: string, messages: Message[], tools: Array<{ type: 'function', function: WeatherFunction<{ city: string }> }> }

/** The SDK's tool helpers: chat.completions in v6, beta.chat.completions in v4. */
export interface ToolHelpers {
  stream: (body: { model: string, messages: Message[], tools: Array<typeof weatherTool> }) => { finalChatCompletion: () => Promise<Completion> }
  runTools: {
    (body: RunToolsBody & { stream?: false }): { finalContent: () => Promise<string | null> }
    (body: RunToolsBody & { stream: true }): { finalContent: () => Promise<string | null> }
  }
}

/** What the cases need of an error: the SDK's own class, whatever it calls its fields. */
export interface SdkError extends Error {
  status: number | undefined
  code: string | null | undefined
  param: string | null | undefined
  error: unknown
}
type ErrorClass<E extends SdkError> = abstract new (...args: never[]) => E

export interface OpenAISdk<Client extends SdkClient, E extends SdkError> {
  /** The version in test names and request ids: 'v4', 'v6'. */
  version: string
  errors: Record<'APIError' | 'BadRequestError' | 'NotFoundError' | 'RateLimitError' | 'APIUserAbortError', ErrorClass<E>>
  connect: (base: string, options?: { maxRetries: number }) => Client
  /** A client whose sockets do not outlive the test (an aborted call may leave one the app's close would wait for). */
  connectForAbort: (t: Teardown, base: string) => Client
  /** Where the tool helpers live, for test names. */
  toolHelpersPath: string
  toolHelpers: (client: Client) => ToolHelpers
  requestIdOf: (err: E) => string | null | undefined
  headerOf: (err: E, name: string) => string | null | undefined
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
  }
}
const hello = [{ role: 'user' as const, content: 'Say hello' }]

/** The request bodies a fake received since `from`. */
const bodiesSince = (fake: FakeUpstream, from: number) => fake.requests.slice(from).map((r) => r.body)

export async function openAISdkCases<Client extends SdkClient, E extends SdkError> (t: Test, sdk: OpenAISdk<Client, E>): Promise<void> {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor(fakes), models: [] })
  const base = await listen(app)
  const client = sdk.connect(base)
  const tools = sdk.toolHelpers(client)
  const { APIError, BadRequestError, NotFoundError, RateLimitError, APIUserAbortError } = sdk.errors

  // ModelScope's thinking model refuses stream:false upstream (providers.md §2.2): non-stream calls must still work.
  const CHAT: Array<{ provider: 'deepseek' | 'zhipu' | 'modelscope' | 'ollama', model: string, fake: FakeUpstream }> = [
    { provider: 'deepseek', model: 'deepseek/deepseek-chat', fake: fakes.deepseek },
    { provider: 'zhipu', model: 'zhipu/glm-4.6', fake: fakes.zhipu },
    { provider: 'modelscope', model: 'modelscope/Qwen/Qwen3-235B-A22B-Thinking-2507', fake: fakes.modelscope },
    { provider: 'ollama', model: 'ollama/llama3.2', fake: fakes.ollama }
  ]
  const EMBED: Array<{ provider: 'zhipu' | 'modelscope' | 'ollama', model: string, fake: FakeUpstream, dimensions: number }> = [
    { provider: 'zhipu', model: 'zhipu/embedding-3', fake: fakes.zhipu, dimensions: 256 },
    { provider: 'modelscope', model: 'modelscope/Qwen/Qwen3-Embedding-8B', fake: fakes.modelscope, dimensions: 32 },
    { provider: 'ollama', model: 'ollama/nomic-embed-text', fake: fakes.ollama, dimensions: 16 }
  ]

  for (const { provider, model, fake } of CHAT) {
    t.test(`${provider}: create() returns the backend's reply as a typed ChatCompletion`, async (t) => {
      const completion = await client.chat.completions.create({ model, messages: hello })
      t.equal(completion.object, 'chat.completion')
      t.equal(completion.model, model)
      t.match(completion.id, /^chatcmpl-/)
      t.equal(completion.choices.length, 1)
      t.equal(completion.choices[0]?.message.role, 'assistant')
      t.equal(completion.choices[0]?.message.content, defaultReply(provider).content)
      t.equal(completion.choices[0]?.finish_reason, 'stop')
    })

    t.test(`${provider}: a stream with include_usage yields the reply, then one usage chunk`, async (t) => {
      fake.enqueue({ kind: 'text', content: 'Streaming works fine', usage: { prompt: 12, completion: 5 } })
      const stream = await client.chat.completions.create({ model, messages: hello, stream: true, stream_options: { include_usage: true } })
      const chunks: Chunk[] = []
      for await (const chunk of stream) chunks.push(chunk)
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
      t.equal(text, 'Streaming works fine')
      t.same(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole stream')
      t.ok(chunks.every((c) => c.model === model))
      t.equal(chunks.filter((c) => c.choices[0]?.delta.role === 'assistant').length, 1, 'role once')
      t.equal(chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter((r) => r !== null).join(), 'stop')
      const usageChunks = chunks.filter((c) => c.usage !== null && c.usage !== undefined)
      t.equal(usageChunks.length, 1)
      t.equal(usageChunks[0], chunks.at(-1), 'usage comes last')
      t.same(usageChunks[0]?.choices, [])
      t.match(usageChunks[0]?.usage, { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 })
    })

    t.test(`${provider}: a stream without include_usage carries no usage`, async (t) => {
      const stream = await client.chat.completions.create({ model, messages: hello, stream: true })
      let text = ''
      let usageSeen = false
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? ''
        if (chunk.usage !== null && chunk.usage !== undefined) usageSeen = true
      }
      t.equal(text, defaultReply(provider).content)
      t.notOk(usageSeen)
    })

    t.test(`${provider}: ${sdk.toolHelpersPath}.stream().finalChatCompletion() assembles a tool call`, async (t) => {
      fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Tokyo', unit: 'celsius' } })
      const final = await tools.stream({ model, messages: [{ role: 'user', content: 'Weather in Tokyo?' }], tools: [weatherTool] }).finalChatCompletion()
      const choice = final.choices[0]
      t.equal(choice?.finish_reason, 'tool_calls')
      t.equal(choice?.message.tool_calls?.length, 1)
      const call = choice?.message.tool_calls?.[0]
      t.equal(call?.type, 'function')
      t.match(call?.id, /\S/)
      t.equal(call?.function?.name, 'get_weather')
      t.same(JSON.parse(call?.function?.arguments ?? 'null'), { city: 'Tokyo', unit: 'celsius' })
    })

    t.test(`${provider}: ${sdk.toolHelpersPath}.runTools() calls the function once and returns the follow-up answer`, async (t) => {
      const from = fake.requests.length
      fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Paris' } })
      const calls: unknown[] = []
      const runner = tools.runTools({
        model,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{
          type: 'function',
          function: {
            ...weatherTool.function,
            parse: JSON.parse,
            function: (args: { city: string }) => { calls.push(args); return { city: args.city, sky: 'sunny' } }
          }
        }]
      })
      t.equal(await runner.finalContent(), defaultReply(provider).content)
      t.same(calls, [{ city: 'Paris' }])
      const bodies = bodiesSince(fake, from)
      t.equal(bodies.length, 2, 'one request for the call, one for the answer')
      // The second request replays the assistant's call and the tool result.
      const messages: any[] = bodies[1].messages
      const assistant = messages.find((m) => m.role === 'assistant')
      const toolMessage = messages.find((m) => m.role === 'tool')
      t.equal(assistant?.tool_calls?.[0]?.function?.name, 'get_weather')
      t.same(JSON.parse(toolMessage?.content), { city: 'Paris', sky: 'sunny' })
    })

    t.test(`${provider}: withResponse() exposes the serving provider and the request id`, async (t) => {
      const { data, response, request_id: requestId } = await client.chat.completions.create({ model, messages: hello }).withResponse()
      t.equal(data.choices[0]?.message.content, defaultReply(provider).content)
      t.equal(response.headers.get('x-qiao-provider'), provider)
      t.equal(response.headers.get('x-qiao-attempts'), '1')
      t.match(requestId, /\S/)
      t.equal(requestId, response.headers.get('x-request-id'))
    })
  }

  t.test(`deepseek: streaming ${sdk.toolHelpersPath}.runTools() also completes the round trip`, async (t) => {
    const from = fakes.deepseek.requests.length
    fakes.deepseek.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Oslo' } })
    const calls: unknown[] = []
    const runner = tools.runTools({
      model: 'deepseek/deepseek-chat',
      stream: true,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{
        type: 'function',
        function: { ...weatherTool.function, parse: JSON.parse, function: (args: { city: string }) => { calls.push(args); return 'rainy' } }
      }]
    })
    t.equal(await runner.finalContent(), defaultReply('deepseek').content)
    t.same(calls, [{ city: 'Oslo' }])
    t.equal(fakes.deepseek.requests.length - from, 2)
  })

  t.test(`deepseek-reasoner: ${sdk.toolHelpersPath}.runTools() works although the SDK drops reasoning_content on replay`, async (t) => {
    // In thinking mode DeepSeek refuses a replayed tool-call turn without reasoning_content (providers.md §4.5),
    // and openai-node's runner replays only standard fields.
    const from = fakes.deepseek.requests.length
    fakes.deepseek.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Rome' } })
    const runner = tools.runTools({
      model: 'deepseek/deepseek-reasoner',
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [{ type: 'function', function: { ...weatherTool.function, parse: JSON.parse, function: () => 'hot' } }]
    })
    t.equal(await runner.finalContent(), defaultReply('deepseek').content)
    const replayed = bodiesSince(fakes.deepseek, from)[1]?.messages.find((m: any) => m.role === 'assistant')
    t.type(replayed?.reasoning_content, 'string')
  })

  for (const { provider, model, fake, dimensions } of EMBED) {
    const dims = FAKE_DEFAULT_DIMENSIONS[provider]
    const texts = ['first text', 'second text', 'third text']

    t.test(`${provider}: embeddings.create() with the SDK's default (base64) returns the exact vectors`, async (t) => {
      const from = fake.requests.length
      const result = await client.embeddings.create({ model, input: texts })
      t.equal(result.object, 'list')
      t.equal(result.model, model)
      t.same(result.data.map((d) => d.index), [0, 1, 2])
      t.same(result.data.map((d) => d.embedding), texts.map((text) => fakeVector(text, dims)))
      t.ok(result.usage.prompt_tokens > 0)
      // The backend is asked for floats; base64 is the gateway's job.
      t.notOk(bodiesSince(fake, from).some((b) => b?.encoding_format === 'base64'))
    })

    t.test(`${provider}: what the SDK decoded was base64 on the wire`, async (t) => {
      // asResponse() skips the SDK's decoding: the same default request, raw answer.
      const response = await client.embeddings.create({ model, input: 'probe' }).asResponse()
      const raw = await response.json() as { data: Array<{ embedding: unknown }> }
      t.equal(raw.data[0]?.embedding, Buffer.from(new Float32Array(fakeVector('probe', dims)).buffer).toString('base64'))
    })

    t.test(`${provider}: embeddings.create() with encoding_format float returns number arrays`, async (t) => {
      const result = await client.embeddings.create({ model, input: 'one string', encoding_format: 'float' })
      t.equal(result.data.length, 1)
      // Floats are printed as the shortest decimals that read back as the stored float32 values.
      t.same(Array.from(new Float32Array(result.data[0]?.embedding ?? [])), fakeVector('one string', dims))
    })

    t.test(`${provider}: embeddings.create() with dimensions returns vectors of that size`, async (t) => {
      const from = fake.requests.length
      const result = await client.embeddings.create({ model, input: ['sized a', 'sized b'], dimensions })
      t.same(result.data.map((d) => d.embedding), [fakeVector('sized a', dimensions), fakeVector('sized b', dimensions)])
      t.ok(bodiesSince(fake, from).every((b) => b.dimensions === dimensions), 'dimensions forwarded')
    })
  }

  t.test('an unknown model raises NotFoundError with the request id', async (t) => {
    const err = await client.chat.completions.create({ model: 'no-such-model', messages: hello }).catch((e: unknown) => e)
    t.type(err, NotFoundError)
    if (!(err instanceof NotFoundError)) return
    t.equal(err.status, 404)
    t.equal(err.code, 'model_not_found')
    t.equal(err.param, 'model')
    t.match(sdk.requestIdOf(err), /\S/)
    t.equal(sdk.requestIdOf(err), sdk.headerOf(err, 'x-request-id'))
  })

  t.test('a bad request raises BadRequestError with the message and the client\'s own request id', async (t) => {
    const requestId = `compat-${sdk.version}-bad-request`
    const err = await client.chat.completions.create(
      { model: 'zhipu/glm-4.6', messages: hello, temperature: 1.5 },
      { headers: { 'x-request-id': requestId } }
    ).catch((e: unknown) => e)
    t.type(err, BadRequestError)
    if (!(err instanceof BadRequestError)) return
    t.equal(err.status, 400)
    t.equal(err.param, 'temperature')
    t.match(err.message, /^400 .*temperature/)
    t.equal(sdk.requestIdOf(err), requestId)
  })

  t.test('an upstream 400 raises BadRequestError carrying the backend\'s message', async (t) => {
    fakes.deepseek.enqueue({
      kind: 'error',
      status: 400,
      body: { error: { message: 'Invalid max_tokens value, the valid range of max_tokens is [1, 8192]', type: 'invalid_request_error', param: null, code: 'invalid_request_error' } }
    })
    const err = await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello, max_tokens: 9000 }).catch((e: unknown) => e)
    t.type(err, BadRequestError)
    if (!(err instanceof BadRequestError)) return
    t.match(err.message, /^400 .*valid range of max_tokens/)
  })

  t.test('a model the backend does not know raises NotFoundError', async (t) => {
    const err = await client.chat.completions.create({ model: 'deepseek/deepseek-v9', messages: hello }).catch((e: unknown) => e)
    t.type(err, NotFoundError)
    if (!(err instanceof NotFoundError)) return
    t.match(err.message, /Model Not Exist/)
  })

  t.test('an upstream 429 raises RateLimitError with the retry hint', async (t) => {
    fakes.deepseek.enqueue({
      kind: 'error',
      status: 429,
      body: { error: { message: 'Rate limit reached for requests', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } },
      headers: { 'retry-after': '7' }
    })
    const err = await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello }).catch((e: unknown) => e)
    t.type(err, RateLimitError)
    if (!(err instanceof RateLimitError)) return
    t.equal(err.status, 429)
    t.match(err.message, /Rate limit reached/)
    t.equal(sdk.headerOf(err, 'retry-after'), '7')
    t.match(sdk.requestIdOf(err), /\S/)
  })

  t.test('the SDK\'s own retry turns a 429 with retry-after-ms into a success', async (t) => {
    const from = fakes.deepseek.requests.length
    fakes.deepseek.enqueue({
      kind: 'error',
      status: 429,
      body: { error: { message: 'Rate limit reached for requests', type: 'rate_limit_error', param: null, code: null } },
      headers: { 'retry-after-ms': '10' }
    })
    const completion = await sdk.connect(base, { maxRetries: 2 }).chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello })
    t.equal(completion.choices[0]?.message.content, defaultReply('deepseek').content)
    t.equal(fakes.deepseek.requests.length - from, 2)
  })

  t.test('an exhausted balance is an APIError 402 that the SDK does not retry', async (t) => {
    const from = fakes.deepseek.requests.length
    fakes.deepseek.enqueue({
      kind: 'error',
      status: 402,
      body: { error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } }
    })
    const err = await sdk.connect(base, { maxRetries: 2 }).chat.completions.create({ model: 'deepseek/deepseek-chat', messages: hello }).catch((e: unknown) => e)
    t.type(err, APIError)
    if (!(err instanceof APIError)) return
    t.equal(err.status, 402)
    t.match(err.message, /Insufficient Balance/)
    t.equal(fakes.deepseek.requests.length - from, 1, 'x-should-retry: false is honoured')
  })

  for (const { provider, model, fake } of CHAT.filter((c) => c.provider !== 'zhipu')) {
    t.test(`${provider}: a backend failure mid-stream surfaces as an APIError while iterating`, async (t) => {
      fake.enqueue({ kind: 'midStreamError' })
      const stream = await client.chat.completions.create({ model, messages: hello, stream: true })
      let text = ''
      const err = await (async () => { for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '' })().catch((e: unknown) => e)
      t.type(err, APIError)
      if (!(err instanceof APIError)) return
      t.equal(err.status, undefined, 'an error event, not an HTTP status')
      t.match(err.error, { code: /^upstream_/ })
      t.ok(defaultReply(provider).content.startsWith(text), 'the part received is a prefix of the reply')
    })
  }

  t.test('aborting a request closes the connection to the backend', async (t) => {
    const aborting = sdk.connectForAbort(t, base)
    fakes.ollama.enqueue({ kind: 'hang' })
    const controller = new AbortController()
    const from = fakes.ollama.requests.length
    const pending = aborting.chat.completions.create({ model: 'ollama/llama3.2', messages: hello }, { signal: controller.signal }).catch((e: unknown) => e)
    await fakes.ollama.waitForRequests(from + 1)
    const closedBefore = fakes.ollama.closedConnections
    controller.abort()
    t.type(await pending, APIUserAbortError)
    await fakes.ollama.waitForClosedConnections(closedBefore + 1)
    t.equal(fakes.ollama.closedConnections, closedBefore + 1)
  })
}
