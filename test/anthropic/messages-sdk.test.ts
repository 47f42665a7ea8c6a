// The Anthropic SDK (messages.create and messages.stream, tools included) through qiao to each backend's fake:
// what the client assembles, and what the backend received.
import t from 'tap'
import Anthropic from '@anthropic-ai/sdk'
import { build, listen, providersFor, startFakes, type Fakes } from '../helper.js'
import type { RecordedRequest } from '../fixtures/fake-upstreams/index.js'

const KEY = 'sk-claude-code-0123456789'
const fakes = await startFakes(t)
const app = await build(t, { providers: providersFor(fakes), keys: [{ id: 'cc', key: KEY }], models: [{ name: 'claude-*', targets: ['deepseek/deepseek-chat'] }] })
const client = new Anthropic({ baseURL: await listen(app), apiKey: KEY, maxRetries: 0 })

const MODELS: Record<keyof Fakes, string> = { deepseek: 'deepseek/deepseek-chat', zhipu: 'zhipu/glm-4.6', modelscope: 'modelscope/Qwen/Qwen3-32B', ollama: 'ollama/qwen3:8b' }
const WEATHER: Anthropic.Tool = { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
const lastChat = (fake: { requests: RecordedRequest[] }): any =>
  fake.requests.filter((r) => r.method === 'POST' && /\/(chat\/completions|api\/chat)$/.test(r.path)).at(-1)?.body ?? {}

for (const provider of Object.keys(MODELS) as Array<keyof Fakes>) {
  const fake = fakes[provider]
  const model = MODELS[provider]

  t.test(`${provider}: messages.create answers a message, and the backend gets system, tools and limits`, async (t) => {
    fake.enqueue({ kind: 'text', content: 'Sunny in Tokyo', reasoning: '' })
    // SDK 1.17 no longer types temperature (newer Claude models take none); older clients and Claude Code send it.
    const params = {
      model,
      max_tokens: 300,
      system: [{ type: 'text', text: 'Be brief.' }],
      temperature: 0.5,
      messages: [{ role: 'user', content: 'Weather in Tokyo?' }],
      tools: [WEATHER],
      tool_choice: { type: 'auto' },
      metadata: { user_id: 'user-000042' }
    } as Anthropic.MessageCreateParamsNonStreaming
    const message = await client.messages.create(params)
    t.match(message, { type: 'message', role: 'assistant', model, content: [{ type: 'text', text: 'Sunny in Tokyo' }], stop_reason: 'end_turn' })
    t.ok(message.id.startsWith('msg_'))
    t.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0, 'usage')
    const seen = lastChat(fake)
    t.match(seen.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Weather in Tokyo?' }])
    t.match(seen.tools, [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER.input_schema } }])
    if (provider === 'ollama') t.match(seen.options, { num_predict: 300, temperature: 0.5 })
    else t.match(seen, { max_tokens: 300, temperature: 0.5 })
    if (provider === 'deepseek' || provider === 'zhipu') t.equal(seen.user_id, 'user-000042', 'metadata.user_id reaches the backend as its user id')
  })

  t.test(`${provider}: messages.create returns a tool call as a tool_use block with parsed input`, async (t) => {
    fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Tokyo' } })
    const message = await client.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Weather in Tokyo?' }], tools: [WEATHER] })
    t.equal(message.stop_reason, 'tool_use')
    t.match(message.content.find((b) => b.type === 'tool_use'), { type: 'tool_use', name: 'get_weather', input: { city: 'Tokyo' } })
  })

  t.test(`${provider}: messages.stream assembles a tool call, and the history goes back as tool_calls and a tool message`, async (t) => {
    fake.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Paris' } })
    const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER] })
    const events: string[] = []
    stream.on('streamEvent', (event) => { events.push(event.type) })
    const message = await stream.finalMessage()
    t.equal(message.stop_reason, 'tool_use')
    const call = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')
    t.match(call, { name: 'get_weather', input: { city: 'Paris' } })
    t.equal(events[0], 'message_start')
    t.same(events.slice(-2), ['message_delta', 'message_stop'])
    t.ok(message.usage.output_tokens > 0, 'output tokens from message_delta')

    fake.enqueue({ kind: 'text', content: 'It is 18 degrees.', reasoning: '' })
    const next = await client.messages.create({
      model,
      max_tokens: 100,
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: message.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call?.id ?? '', content: '18 degrees' }] }
      ]
    })
    t.match(next.content, [{ type: 'text', text: 'It is 18 degrees.' }])
    const seen = lastChat(fake)
    const assistant = seen.messages[1]
    t.equal(assistant.role, 'assistant')
    t.equal(assistant.tool_calls[0].function.name, 'get_weather')
    const args = assistant.tool_calls[0].function.arguments
    t.same(typeof args === 'string' ? JSON.parse(args) : args, { city: 'Paris' }, 'arguments as the backend takes them')
    t.match(seen.messages[2], provider === 'ollama' ? { role: 'tool', content: '18 degrees', tool_name: 'get_weather' } : { role: 'tool', content: '18 degrees', tool_call_id: call?.id })
  })

  t.test(`${provider}: a streamed answer with reasoning has a thinking block, then the text`, async (t) => {
    fake.enqueue({ kind: 'text', content: 'Forty-two.', reasoning: 'The user wants the answer.' })
    const message = await client.messages.stream({ model, max_tokens: 2000, messages: [{ role: 'user', content: 'The answer?' }], thinking: { type: 'enabled', budget_tokens: 1024 } }).finalMessage()
    t.match(message.content, [{ type: 'thinking', thinking: 'The user wants the answer.' }, { type: 'text', text: 'Forty-two.' }])
    t.equal(message.stop_reason, 'end_turn')
    const seen = lastChat(fake)
    if (provider === 'ollama') t.equal(seen.think, 'low', 'Ollama: think')
    else if (provider === 'zhipu') t.same(seen.thinking, { type: 'enabled' }, 'Zhipu: thinking.type')
    else t.equal(seen.reasoning_effort, provider === 'deepseek' ? 'high' : 'low', 'reasoning_effort')
    if (provider !== 'ollama') t.same(seen.stream_options, { include_usage: true })
  })
}

t.test('thinking disabled turns DeepSeek\'s thinking off', async (t) => {
  await client.messages.create({ model: 'deepseek/deepseek-chat', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], thinking: { type: 'disabled' } })
  t.same(lastChat(fakes.deepseek).thinking, { type: 'disabled' })
})

t.test('a Claude model name is routed by the claude-* alias', async (t) => {
  const message = await client.messages.create({ model: 'claude-sonnet-4-5-20250929', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
  t.equal(message.model, 'claude-sonnet-4-5-20250929')
  t.equal(lastChat(fakes.deepseek).model, 'deepseek-chat')
})

t.test('images go to the backend as image_url parts (base64 as a data URL)', async (t) => {
  await client.messages.create({
    model: 'zhipu/glm-4.6',
    max_tokens: 50,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } }] }]
  })
  t.match(lastChat(fakes.zhipu).messages[0].content, [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }])
  await client.messages.create({
    model: 'ollama/qwen3:8b',
    max_tokens: 50,
    messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'text', text: 'And this?' }] }]
  })
  t.match(lastChat(fakes.ollama).messages[0], { content: 'And this?', images: ['iVBORw0KGgo='] })
})
