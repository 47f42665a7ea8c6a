// Vercel AI SDK 5 with @ai-sdk/openai-compatible 1.x against qiao: generateText, streamText, tools
// (zod schemas, multi-step with execute), reasoning, embed and embedMany, as an AI SDK app uses them.
import t from 'tap'
import { z } from 'zod'
import { APICallError, embed, embedMany, generateText, stepCountIs, streamText, tool, type Tool } from 'ai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { build, listen, providersFor, startFakes } from '../helper.js'
import { defaultReply, fakeVector, FAKE_DEFAULT_DIMENSIONS, type FakeUpstream } from '../fixtures/fake-upstreams/index.js'

/** The AI SDK asks for floats: qiao prints each as the shortest decimal that reads back as the stored float32. */
const f32 = (values: number[]): number[] => Array.from(new Float32Array(values))

const fakes = await startFakes(t)
const app = await build(t, { providers: providersFor(fakes), models: [] })
const base = await listen(app)

// includeUsage: the AI SDK only asks for stream usage when told to.
const qiao = createOpenAICompatible({ name: 'qiao', baseURL: `${base}/v1`, apiKey: 'unused', includeUsage: true })

const CHAT: Array<{ provider: 'deepseek' | 'zhipu' | 'ollama', model: string, fake: FakeUpstream }> = [
  { provider: 'deepseek', model: 'deepseek/deepseek-chat', fake: fakes.deepseek },
  { provider: 'zhipu', model: 'zhipu/glm-4.6', fake: fakes.zhipu },
  { provider: 'ollama', model: 'ollama/llama3.2', fake: fakes.ollama }
]
const EMBED: Array<{ provider: 'zhipu' | 'ollama', model: string, fake: FakeUpstream, dimensions: number }> = [
  { provider: 'zhipu', model: 'zhipu/embedding-3', fake: fakes.zhipu, dimensions: 1024 },
  { provider: 'ollama', model: 'ollama/nomic-embed-text', fake: fakes.ollama, dimensions: 10 }
]

const weatherInput = z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']).optional() })
// Annotated: an execute-less tool() is not assignable to ToolSet under exactOptionalPropertyTypes.
const weatherSpec: Tool<z.infer<typeof weatherInput>> = tool({ description: 'Current weather for a city', inputSchema: weatherInput })

for (const { provider, model, fake } of CHAT) {
  t.test(`${provider}: generateText returns the text, finish reason and usage`, async (t) => {
    fake.enqueue({ kind: 'text', content: 'Generated text', usage: { prompt: 14, completion: 6 } })
    const result = await generateText({ model: qiao(model), prompt: 'Say hello', maxRetries: 0 })
    t.equal(result.text, 'Generated text')
    t.equal(result.finishReason, 'stop')
    t.match(result.usage, { inputTokens: 14, outputTokens: 6, totalTokens: 20 })
    t.equal(result.response.modelId, model)
    t.equal(result.response.headers?.['x-qiao-provider'], provider)
  })

  t.test(`${provider}: streamText streams the text, then reports finish reason and usage`, async (t) => {
    fake.enqueue({ kind: 'text', content: defaultReply(provider).content, usage: { prompt: 8, completion: 4 } })
    const result = streamText({ model: qiao(model), prompt: 'Say hello', maxRetries: 0 })
    const pieces: string[] = []
    for await (const piece of result.textStream) pieces.push(piece)
    t.ok(pieces.length > 1, 'streamed in pieces')
    t.equal(pieces.join(''), defaultReply(provider).content)
    t.equal(await result.finishReason, 'stop')
    t.match(await result.usage, { inputTokens: 8, outputTokens: 4, totalTokens: 12 })
  })

  t.test(`${provider}: generateText with a tool returns the call with parsed input`, async (t) => {
    fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Tokyo', unit: 'celsius' } })
    const result = await generateText({ model: qiao(model), prompt: 'Weather in Tokyo?', tools: { get_weather: weatherSpec }, maxRetries: 0 })
    t.equal(result.finishReason, 'tool-calls')
    t.equal(result.toolCalls.length, 1)
    t.match(result.toolCalls[0], { type: 'tool-call', toolName: 'get_weather', toolCallId: /\S/, input: { city: 'Tokyo', unit: 'celsius' } })
  })

  t.test(`${provider}: streamText with a tool returns the call with parsed input`, async (t) => {
    fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Lima' } })
    const result = streamText({ model: qiao(model), prompt: 'Weather in Lima?', tools: { get_weather: weatherSpec }, maxRetries: 0 })
    await result.consumeStream()
    t.equal(await result.finishReason, 'tool-calls')
    const calls = await result.toolCalls
    t.equal(calls.length, 1)
    t.match(calls[0], { toolName: 'get_weather', input: { city: 'Lima' } })
  })

  t.test(`${provider}: a tool with execute runs once and the next step answers`, async (t) => {
    fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Cairo' } })
    const from = fake.requests.length
    const inputs: unknown[] = []
    const result = await generateText({
      model: qiao(model),
      prompt: 'Weather in Cairo?',
      maxRetries: 0,
      stopWhen: stepCountIs(3),
      tools: { get_weather: tool({ description: 'Current weather for a city', inputSchema: weatherInput, execute: async (input) => { inputs.push(input); return { sky: 'clear' } } }) }
    })
    t.equal(result.text, defaultReply(provider).content)
    t.equal(result.steps.length, 2)
    t.same(inputs, [{ city: 'Cairo' }])
    const messages: any[] = fake.requests[from + 1]?.body.messages
    t.same(JSON.parse(messages.find((m) => m.role === 'tool')?.content), { sky: 'clear' })
  })
}

for (const { provider, model, fake } of [
  { provider: 'deepseek' as const, model: 'deepseek/deepseek-reasoner', fake: fakes.deepseek },
  { provider: 'ollama' as const, model: 'ollama/qwen3:8b', fake: fakes.ollama }
]) {
  t.test(`${provider}: a thinking model's reasoning arrives as reasoningText, streamed or not`, async (t) => {
    fake.enqueue({ kind: 'text', content: 'Answer', reasoning: 'Thinking it over.' }, { kind: 'text', content: 'Answer', reasoning: 'Thinking it over.' })
    const generated = await generateText({ model: qiao(model), prompt: 'Think', maxRetries: 0 })
    t.equal(generated.text, 'Answer')
    t.equal(generated.reasoningText, 'Thinking it over.')
    const streamed = streamText({ model: qiao(model), prompt: 'Think', maxRetries: 0 })
    await streamed.consumeStream()
    t.equal(await streamed.text, 'Answer')
    t.equal(await streamed.reasoningText, 'Thinking it over.')
  })
}

t.test('deepseek-reasoner: a multi-step tool loop works in thinking mode', async (t) => {
  fakes.deepseek.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Quito' } })
  const result = await generateText({
    model: qiao('deepseek/deepseek-reasoner'),
    prompt: 'Weather in Quito?',
    maxRetries: 0,
    stopWhen: stepCountIs(3),
    tools: { get_weather: tool({ description: 'Current weather for a city', inputSchema: weatherInput, execute: async () => 'cold' }) }
  })
  t.equal(result.text, defaultReply('deepseek').content)
  t.equal(result.steps.length, 2)
})

for (const { provider, model, fake, dimensions } of EMBED) {
  const dims = FAKE_DEFAULT_DIMENSIONS[provider]

  t.test(`${provider}: embed returns the exact vector`, async (t) => {
    const { embedding, usage } = await embed({ model: qiao.textEmbeddingModel(model), value: 'a single value', maxRetries: 0 })
    t.same(f32(embedding), fakeVector('a single value', dims))
    t.ok(usage.tokens > 0)
  })

  t.test(`${provider}: embedMany returns exact vectors in input order`, async (t) => {
    const values = ['v one', 'v two', 'v three']
    const { embeddings } = await embedMany({ model: qiao.textEmbeddingModel(model), values, maxRetries: 0 })
    t.same(embeddings.map(f32), values.map((v) => fakeVector(v, dims)))
  })

  t.test(`${provider}: embedMany with dimensions in providerOptions returns vectors of that size`, async (t) => {
    const from = fake.requests.length
    const { embeddings } = await embedMany({
      model: qiao.textEmbeddingModel(model), values: ['d one', 'd two'], maxRetries: 0, providerOptions: { qiao: { dimensions } }
    })
    t.same(embeddings.map(f32), [fakeVector('d one', dimensions), fakeVector('d two', dimensions)])
    t.ok(fake.requests.slice(from).every((r) => r.body.dimensions === dimensions))
  })
}

t.test('an unknown model is an APICallError 404 that is not retryable', async (t) => {
  const err = await generateText({ model: qiao('no-such-model'), prompt: 'hi', maxRetries: 0 }).catch((e: unknown) => e)
  t.ok(APICallError.isInstance(err))
  if (!APICallError.isInstance(err)) return
  t.equal(err.statusCode, 404)
  t.equal(err.isRetryable, false)
  t.match(err.message, /no-such-model/)
})

t.test('an upstream 429 is a retryable APICallError', async (t) => {
  fakes.deepseek.enqueue({ kind: 'error', status: 429, body: { error: { message: 'Rate limit reached', type: 'rate_limit_error', param: null, code: null } } })
  const err = await generateText({ model: qiao('deepseek/deepseek-chat'), prompt: 'hi', maxRetries: 0 }).catch((e: unknown) => e)
  t.ok(APICallError.isInstance(err))
  if (!APICallError.isInstance(err)) return
  t.equal(err.statusCode, 429)
  t.equal(err.isRetryable, true)
  t.match(err.message, /Rate limit reached/)
})

t.test('a backend failure mid-stream reaches streamText as an error part', async (t) => {
  fakes.ollama.enqueue({ kind: 'midStreamError' })
  const errors: unknown[] = []
  const result = streamText({ model: qiao('ollama/llama3.2'), prompt: 'hi', maxRetries: 0, onError: ({ error }) => { errors.push(error) } })
  const parts: string[] = []
  for await (const part of result.fullStream) parts.push(part.type)
  t.ok(parts.includes('error'))
  t.equal(errors.length, 1)
  t.match(errors[0], { code: /^upstream_/ })
  t.equal(await result.finishReason, 'error')
})
