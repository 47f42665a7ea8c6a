// Responses details through openai-node v6: reasoning, text.format, refused tools, a failure mid-stream, and usage
// and metrics counted like chat completions.
import t from 'tap'
import OpenAI from 'openai'
import { startFakes, type Fakes } from '../helper.js'
import { usageWhen } from '../auth/setup.js'
import { responsesClient, weatherTool } from './setup.js'

let fakes: Fakes
let openai: OpenAI
t.before(async () => {
  fakes = await startFakes(t)
  openai = (await responsesClient(t, fakes)).openai
})

const lastBody = (fake: keyof Fakes): any => fakes[fake].requests.at(-1)?.body

t.test('deepseek-reasoner: reasoning streams as a reasoning item and is replayed as reasoning_content on the tool turn', async (t) => {
  fakes.deepseek.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Oslo' } }, { kind: 'text', content: 'Cold', reasoning: '' })
  const turn = await openai.responses.stream({ model: 'deepseek/deepseek-reasoner', input: 'Weather in Oslo?', tools: [weatherTool], reasoning: { effort: 'high' } }).finalResponse()
  const reasoning = turn.output.find((item) => item.type === 'reasoning')
  t.match(reasoning, { type: 'reasoning', content: [{ type: 'reasoning_text', text: /short greeting/ }] })
  t.equal(lastBody('deepseek').reasoning_effort, 'high')
  const call = turn.output.find((item) => item.type === 'function_call')
  if (call?.type !== 'function_call') {
    t.fail('no function call')
    return
  }
  const second = await openai.responses.create({ model: 'deepseek/deepseek-reasoner', previous_response_id: turn.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: '-5°C' }] })
  t.equal(second.output_text, 'Cold')
  t.match(lastBody('deepseek').messages[1], { role: 'assistant', reasoning_content: /short greeting/, tool_calls: [{ id: call.call_id }] })
})

t.test('text.format: a JSON schema reaches a backend that takes it, and one that does not answers 400', async (t) => {
  const format = { type: 'json_schema' as const, name: 'city', schema: { type: 'object', properties: { name: { type: 'string' } } }, strict: true }
  fakes.modelscope.enqueue({ kind: 'text', content: '{"name":"Paris"}' })
  const response = await openai.responses.create({ model: 'modelscope/Qwen/Qwen3-32B', input: 'A city', text: { format } })
  t.same(JSON.parse(response.output_text), { name: 'Paris' })
  t.same(lastBody('modelscope').response_format, { type: 'json_schema', json_schema: { name: 'city', schema: format.schema, strict: true } })
  const err = await openai.responses.create({ model: 'zhipu/glm-4.6', input: 'A city', text: { format } }).catch((e: unknown) => e)
  t.match(err, { status: 400, param: 'response_format', code: 'unsupported_parameter' })
  await openai.responses.create({ model: 'zhipu/glm-4.6', input: 'A city as JSON', text: { format: { type: 'json_object' } } })
  t.same(lastBody('zhipu').response_format, { type: 'json_object' })
})

t.test('a built-in tool is a 400 naming it, through the client', async (t) => {
  const err = await openai.responses.create({ model: 'deepseek/deepseek-chat', input: 'x', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e)
  t.ok(err instanceof OpenAI.BadRequestError)
  t.match(err, { status: 400, param: 'tools[0].type', code: 'unsupported_parameter', message: /web_search/ })
})

t.test('a backend failing mid-stream ends the stream with response.failed, one id throughout', async (t) => {
  fakes.deepseek.enqueue({ kind: 'midStreamError' })
  const events: any[] = []
  for await (const event of await openai.responses.create({ model: 'deepseek/deepseek-chat', input: 'x', stream: true })) events.push(event)
  t.equal(events[0].type, 'response.created')
  t.equal(events.at(-1).type, 'response.failed')
  t.match(events.at(-1).response, { status: 'failed', error: { code: /\w/, message: /\w/ } })
  const ids = new Set(events.filter((e) => e.response !== undefined).map((e) => e.response.id))
  t.equal(ids.size, 1)
  t.same(events.map((e) => e.sequence_number), events.map((_, i) => i))
})

t.test('usage is recorded per key like a chat completion, and metrics count the route', async (t) => {
  // A gateway of its own: its usage totals are this test's alone.
  const { openai, app } = await responsesClient(t, fakes)
  fakes.deepseek.enqueue({ kind: 'text', content: 'Hi', usage: { prompt: 11, completion: 5 } })
  await openai.responses.create({ model: 'deepseek/deepseek-chat', input: 'x' })
  fakes.deepseek.enqueue({ kind: 'text', content: 'Hi', usage: { prompt: 7, completion: 3 } })
  await openai.responses.stream({ model: 'deepseek/deepseek-chat', input: 'x' }).finalResponse()
  const usage = await usageWhen(app, (b) => b.totals['requests'] === 2)
  t.match(usage.totals, { requests: 2, prompt_tokens: 18, completion_tokens: 8 })
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /qiao_requests_total\{route="\/v1\/responses",status="200",model="deepseek\/deepseek-chat",provider="deepseek",failure=""\} 2/)
  t.match(metrics, /qiao_tokens_total\{direction="in",model="deepseek\/deepseek-chat",key="alice"\} 18/)
})
