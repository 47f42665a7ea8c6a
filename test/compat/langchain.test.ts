// LangChain JS (@langchain/openai 0.6 on @langchain/core 0.3, openai-node 5 underneath) against qiao:
// ChatOpenAI invoke/stream/bindTools and OpenAIEmbeddings, as a LangChain app configures them.
import t from 'tap'
import { z } from 'zod'
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai'
import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage } from '@langchain/core/messages'
import { tool } from '@langchain/core/tools'
import { concat } from '@langchain/core/utils/stream'
import { build, listen, providersFor, startFakes } from '../helper.js'
import { defaultReply, fakeVector, FAKE_DEFAULT_DIMENSIONS, type FakeUpstream } from '../fixtures/fake-upstreams/index.js'

const fakes = await startFakes(t)
const app = await build(t, { providers: providersFor(fakes), models: [] })
const base = await listen(app)

// maxRetries 0: LangChain's own caller would otherwise retry failures up to 6 times.
const chat = (model: string) => new ChatOpenAI({ model, apiKey: 'unused', maxRetries: 0, configuration: { baseURL: `${base}/v1` } })
const embeddings = (model: string, dimensions?: number) => new OpenAIEmbeddings({
  model, apiKey: 'unused', maxRetries: 0, configuration: { baseURL: `${base}/v1` }, ...(dimensions !== undefined ? { dimensions } : {})
})

const CHAT: Array<{ provider: 'deepseek' | 'zhipu' | 'ollama', model: string, fake: FakeUpstream }> = [
  { provider: 'deepseek', model: 'deepseek/deepseek-chat', fake: fakes.deepseek },
  { provider: 'zhipu', model: 'zhipu/glm-4.6', fake: fakes.zhipu },
  { provider: 'ollama', model: 'ollama/llama3.2', fake: fakes.ollama }
]
const EMBED: Array<{ provider: 'zhipu' | 'ollama', model: string, fake: FakeUpstream, dimensions: number }> = [
  { provider: 'zhipu', model: 'zhipu/embedding-3', fake: fakes.zhipu, dimensions: 512 },
  { provider: 'ollama', model: 'ollama/nomic-embed-text', fake: fakes.ollama, dimensions: 12 }
]

const getWeather = tool(async ({ city }) => `Sunny in ${city}`, {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']).optional() })
})

async function collect (stream: AsyncIterable<AIMessageChunk>): Promise<{ chunks: AIMessageChunk[], whole: AIMessageChunk }> {
  const chunks: AIMessageChunk[] = []
  for await (const chunk of stream) chunks.push(chunk)
  const [first, ...rest] = chunks
  if (first === undefined) throw new Error('the stream yielded no chunks')
  return { chunks, whole: rest.reduce((acc, c) => concat(acc, c), first) }
}

for (const { provider, model, fake } of CHAT) {
  t.test(`${provider}: ChatOpenAI.invoke returns the reply with usage metadata`, async (t) => {
    fake.enqueue({ kind: 'text', content: 'Invoked fine', usage: { prompt: 9, completion: 3 } })
    const message = await chat(model).invoke('Say hello')
    t.type(message, AIMessage)
    t.equal(message.content, 'Invoked fine')
    t.same(message.tool_calls, [])
    t.match(message.response_metadata, { finish_reason: 'stop', model_name: model })
    t.match(message.usage_metadata, { input_tokens: 9, output_tokens: 3, total_tokens: 12 })
  })

  t.test(`${provider}: ChatOpenAI.stream yields the reply piece by piece, then usage`, async (t) => {
    fake.enqueue({ kind: 'text', content: defaultReply(provider).content, usage: { prompt: 10, completion: 4 } })
    const { chunks, whole } = await collect(await chat(model).stream([new HumanMessage('Say hello')]))
    t.ok(chunks.length > 2, 'more than one piece')
    t.equal(chunks.map((c) => c.content).join(''), defaultReply(provider).content)
    t.equal(whole.content, defaultReply(provider).content)
    // LangChain asks for stream usage by default (streamUsage: true).
    t.match(whole.usage_metadata, { input_tokens: 10, output_tokens: 4, total_tokens: 14 })
  })

  t.test(`${provider}: bindTools + invoke gives tool_calls with parsed args`, async (t) => {
    fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Tokyo', unit: 'celsius' } })
    const from = fake.requests.length
    const message = await chat(model).bindTools([getWeather]).invoke('Weather in Tokyo?')
    t.equal(message.tool_calls?.length, 1)
    t.match(message.tool_calls?.[0], { name: 'get_weather', args: { city: 'Tokyo', unit: 'celsius' }, id: /\S/, type: 'tool_call' })
    t.same(message.invalid_tool_calls, [])
    t.match(message.response_metadata, { finish_reason: 'tool_calls' })
    // The zod schema reached the backend as a JSON-schema function tool.
    const tools = fake.requests[from]?.body.tools
    t.match(tools, [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }])
  })

  t.test(`${provider}: bindTools + stream assembles the tool call from its chunks`, async (t) => {
    fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Lima' } })
    const { whole } = await collect(await chat(model).bindTools([getWeather]).stream('Weather in Lima?'))
    t.equal(whole.tool_calls?.length, 1)
    t.match(whole.tool_calls?.[0], { name: 'get_weather', args: { city: 'Lima' }, id: /\S/ })
    t.same(whole.invalid_tool_calls, [])
  })

  t.test(`${provider}: a ToolMessage answer completes the tool round trip`, async (t) => {
    fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Cairo' } })
    const model_ = chat(model).bindTools([getWeather])
    const question = new HumanMessage('Weather in Cairo?')
    const call = await model_.invoke([question])
    const toolCall = call.tool_calls?.[0]
    if (toolCall === undefined) throw new Error('no tool call')
    const result = await getWeather.invoke(toolCall)
    t.type(result, ToolMessage)
    const from = fake.requests.length
    const answer = await model_.invoke([question, call, result])
    t.equal(answer.content, defaultReply(provider).content)
    const messages: any[] = fake.requests[from]?.body.messages
    t.match(messages.find((m) => m.role === 'tool'), { content: 'Sunny in Cairo' })
  })
}

t.test('deepseek-reasoner: a LangChain tool loop works in thinking mode', async (t) => {
  // LangChain does not replay reasoning_content; DeepSeek demands it on tool-call turns (providers.md §4.5).
  fakes.deepseek.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Quito' } })
  const model = chat('deepseek/deepseek-reasoner').bindTools([getWeather])
  const question = new HumanMessage('Weather in Quito?')
  const call = await model.invoke([question])
  const toolCall = call.tool_calls?.[0]
  if (toolCall === undefined) throw new Error('no tool call')
  const answer = await model.invoke([question, call, await getWeather.invoke(toolCall)])
  t.equal(answer.content, defaultReply('deepseek').content)
})

for (const { provider, model, fake, dimensions } of EMBED) {
  const dims = FAKE_DEFAULT_DIMENSIONS[provider]

  // OpenAIEmbeddings leaves encoding_format to openai-node 5, which asks for base64 and decodes it.
  t.test(`${provider}: OpenAIEmbeddings.embedQuery returns the exact vector`, async (t) => {
    const from = fake.requests.length
    t.same(await embeddings(model).embedQuery('what is qiao?'), fakeVector('what is qiao?', dims))
    t.notOk(fake.requests.slice(from).some((r) => r.body?.encoding_format === 'base64'), 'floats asked upstream')
  })

  t.test(`${provider}: OpenAIEmbeddings.embedDocuments returns exact vectors in order`, async (t) => {
    const docs = ['doc one', 'doc two', 'doc three', 'doc four']
    t.same(await embeddings(model).embedDocuments(docs), docs.map((d) => fakeVector(d, dims)))
  })

  t.test(`${provider}: OpenAIEmbeddings with dimensions returns vectors of that size`, async (t) => {
    const from = fake.requests.length
    const vectors = await embeddings(model, dimensions).embedDocuments(['sized one', 'sized two'])
    t.same(vectors, [fakeVector('sized one', dimensions), fakeVector('sized two', dimensions)])
    t.ok(fake.requests.slice(from).every((r) => r.body.dimensions === dimensions))
  })
}

t.test('an unknown model is a MODEL_NOT_FOUND error with status 404', async (t) => {
  const err = await chat('no-such-model').invoke('hi').catch((e: unknown) => e) as { status?: number, lc_error_code?: string, message?: string }
  t.type(err, Error)
  t.equal(err.status, 404)
  t.equal(err.lc_error_code, 'MODEL_NOT_FOUND')
  t.match(err.message, /no-such-model/)
})

t.test('an upstream 429 is a MODEL_RATE_LIMIT error with status 429', async (t) => {
  fakes.ollama.enqueue({ kind: 'error', status: 429, body: { error: 'too many requests' } })
  const err = await chat('ollama/llama3.2').invoke('hi').catch((e: unknown) => e) as { status?: number, lc_error_code?: string }
  t.type(err, Error)
  t.equal(err.status, 429)
  t.equal(err.lc_error_code, 'MODEL_RATE_LIMIT')
})
