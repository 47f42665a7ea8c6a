// POST /v1/responses through openai-node v6 (create and the stream() helper) to each backend's fake, and what the
// fakes received.
import t from 'tap'
import type OpenAI from 'openai'
import { startFakes, type Fakes } from '../helper.js'
import { BACKENDS, responsesClient, weatherTool } from './setup.js'

let fakes: Fakes
let openai: OpenAI
t.before(async () => {
  fakes = await startFakes(t)
  openai = (await responsesClient(t, fakes)).openai
})

const lastBody = (fake: keyof Fakes): any => fakes[fake].requests.at(-1)?.body

for (const { fake, model } of BACKENDS) {
  t.test(`${fake}: create answers with output_text; instructions and max_output_tokens reach the backend`, async (t) => {
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
