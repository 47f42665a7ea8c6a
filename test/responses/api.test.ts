// POST /v1/responses through openai-node v6 (create and the stream() helper) to each backend's fake, and what the
// fakes received; usage counted like chat completions.
import t from 'tap'
import OpenAI from 'openai'
import { listen, startFakes, type Fakes, type Teardown } from '../helper.js'
import { ALICE, gateway, usageWhen } from '../auth/setup.js'

let fakes: Fakes
t.before(async () => { fakes = await startFakes(t) })

const BACKENDS = [
  { fake: 'deepseek', model: 'deepseek/deepseek-chat' },
  { fake: 'zhipu', model: 'zhipu/glm-4.6' },
  { fake: 'modelscope', model: 'modelscope/Qwen/Qwen3-32B' },
  { fake: 'ollama', model: 'ollama/llama3.2:latest' }
] as const

const weatherTool = { type: 'function' as const, name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false }

async function client (t: Teardown): Promise<{ openai: OpenAI, app: Awaited<ReturnType<typeof gateway>> }> {
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE, team: 'a' }] })
  const base = await listen(app)
  return { app, openai: new OpenAI({ baseURL: `${base}/v1`, apiKey: ALICE, maxRetries: 0 }) }
}

const lastBody = (fake: keyof Fakes): any => fakes[fake].requests.at(-1)?.body

for (const { fake, model } of BACKENDS) {
  t.test(`${fake}: create answers with output_text; instructions and max_output_tokens reach the backend`, async (t) => {
    const { openai } = await client(t)
    const response = await openai.responses.create({ model, instructions: 'Be brief', input: 'Say hello', max_output_tokens: 64 })
    t.match(response.id, /^resp_/)
    t.equal(response.object, 'response')
    t.equal(response.status, 'completed')
    t.equal(response.model, model)
    t.equal(response.output_text, `Hello from ${fake}`)
    t.ok(response.usage !== undefined && response.usage !== null && response.usage.total_tokens > 0, 'usage')
    const sent = lastBody(fake)
    t.match(sent.messages, [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Say hello' }])
    if (fake === 'ollama') t.equal(sent.options?.num_predict, 64)
    else t.equal(sent.max_tokens, 64)
  })

  t.test(`${fake}: the stream() helper runs a tool loop continued by previous_response_id`, async (t) => {
    const { openai } = await client(t)
    fakes[fake].enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Paris' } }, { kind: 'text', content: 'Sunny in Paris' })
    const first = openai.responses.stream({ model, input: 'Weather in Paris?', tools: [weatherTool] })
    const deltas: string[] = []
    first.on('response.function_call_arguments.delta', (e) => { deltas.push(e.delta) })
    const turn = await first.finalResponse()
    const call = turn.output.find((item) => item.type === 'function_call')
    t.match(call, { type: 'function_call', name: 'get_weather', status: 'completed' })
    if (call?.type !== 'function_call') return
    t.same(JSON.parse(call.arguments), { city: 'Paris' })
    t.equal(deltas.join(''), call.arguments)
    t.match(lastBody(fake).tools, [{ type: 'function', function: { name: 'get_weather' } }])

    const second = await openai.responses.stream({
      model, previous_response_id: turn.id, tools: [weatherTool], input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny, 21°C' }]
    }).finalResponse()
    t.equal(second.output_text, 'Sunny in Paris')
    t.equal(second.previous_response_id, turn.id)
    t.ok((second.usage?.input_tokens ?? 0) > 0, 'usage arrives with response.completed')
    const messages = lastBody(fake).messages
    t.match(messages, [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [{ id: call.call_id, function: { name: 'get_weather' } }] },
      { role: 'tool', content: 'sunny, 21°C' }
    ])
    if (fake !== 'ollama') t.equal(messages[2].tool_call_id, call.call_id)
  })
}

t.test('deepseek-reasoner: reasoning streams as a reasoning item and is replayed as reasoning_content on the tool turn', async (t) => {
  const { openai } = await client(t)
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
  const { openai } = await client(t)
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
  const { openai } = await client(t)
  const err = await openai.responses.create({ model: 'deepseek/deepseek-chat', input: 'x', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e)
  t.ok(err instanceof OpenAI.BadRequestError)
  t.match(err, { status: 400, param: 'tools[0].type', code: 'unsupported_parameter', message: /web_search/ })
})

t.test('a backend failing mid-stream ends the stream with response.failed, one id throughout', async (t) => {
  const { openai } = await client(t)
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
  const { openai, app } = await client(t)
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
