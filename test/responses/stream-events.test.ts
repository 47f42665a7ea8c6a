// Client-shaped chunk batches (as the core yields them) → the Responses event sequence, checked against
// openai-node's own accumulator, which throws on any event out of order.
import t from 'tap'
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator'
import { ResponseEvents, type ResponseEvent } from '../../src/fronts/responses/stream-events.js'
import { InternalError } from '../../src/errors/gateway-error.js'
import type { ChatCompletionChunk } from '../../src/schemas/openai-types.js'

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
  ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })
const usage = { id: 'c', choices: [], usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } }

function replay (events: ResponseEvent[]): any {
  let snapshot: any
  for (const event of events) snapshot = accumulateResponse(event as any, snapshot)
  return snapshot
}

t.test('reasoning, text and usage: every item announced before its deltas, sequence numbers rising', async (t) => {
  const s = new ResponseEvents('resp_x', { model: 'm', input: 'hi' })
  const events = [
    ...s.start(),
    ...s.batch([chunk({ role: 'assistant', reasoning_content: 'Let me ' }), chunk({ reasoning_content: 'think.' })]),
    ...s.batch([chunk({ content: 'Hello' }), chunk({ content: ' there' })]),
    ...s.batch([chunk({}, 'stop'), usage]),
    ...s.finish(),
    s.completed()
  ]
  t.same(events.map((e) => e.type), [
    'response.created', 'response.in_progress',
    'response.output_item.added', 'response.content_part.added', 'response.reasoning_text.delta', 'response.reasoning_text.delta',
    'response.reasoning_text.done', 'response.content_part.done', 'response.output_item.done',
    'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.delta',
    'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
    'response.completed'
  ])
  t.same(events.map((e) => e.sequence_number), events.map((_, i) => i))
  const final = replay(events)
  t.equal(final.id, 'resp_x')
  t.equal(final.status, 'completed')
  t.equal(final.output_text, 'Hello there')
  t.match(final.output, [{ type: 'reasoning', content: [{ type: 'reasoning_text', text: 'Let me think.' }] }, { type: 'message', status: 'completed' }])
  t.same(final.usage, { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 11 })
  for (const e of events.filter((e) => 'response' in e)) t.equal((e['response'] as { id: string }).id, 'resp_x')
})

t.test('tool calls: added with name and call id, then argument deltas, then done with the whole arguments', async (t) => {
  const s = new ResponseEvents('resp_y', { model: 'm', input: 'hi' })
  const events = [
    ...s.start(),
    ...s.batch([chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] })]),
    ...s.batch([chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }), chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })]),
    ...s.batch([chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'now', arguments: '{}' } }] }, 'tool_calls')]),
    ...s.finish(),
    s.completed()
  ]
  t.same(events.map((e) => e.type).slice(2), [
    'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.delta',
    'response.output_item.added', 'response.function_call_arguments.delta',
    'response.function_call_arguments.done', 'response.output_item.done', 'response.function_call_arguments.done', 'response.output_item.done',
    'response.completed'
  ])
  const final = replay(events)
  t.match(final.output, [
    { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
    { type: 'function_call', call_id: 'call_2', name: 'now', arguments: '{}', status: 'completed' }
  ])
  t.equal(final.output_text, '')
})

t.test('a stream without any output still answers with an empty message', async (t) => {
  const s = new ResponseEvents('resp_z', { model: 'm', input: 'hi' })
  const events = [...s.start(), ...s.batch([chunk({ role: 'assistant', content: '' }, 'length')]), ...s.finish(), s.completed()]
  const final = replay(events)
  t.equal(events.at(-1)?.type, 'response.incomplete')
  t.same(final.incomplete_details, { reason: 'max_output_tokens' })
  t.match(final.output, [{ type: 'message', content: [{ type: 'output_text', text: '' }] }])
})

t.test('a failure after the start ends with response.failed carrying the output so far', async (t) => {
  const s = new ResponseEvents('resp_f', { model: 'm', input: 'hi' })
  const events = [...s.start(), ...s.batch([chunk({ role: 'assistant', content: 'Hel' })]), ...s.fail(new InternalError('backend went away'))]
  const last = events.at(-1) as ResponseEvent & { response: any }
  t.equal(last.type, 'response.failed')
  t.match(last.response, { id: 'resp_f', status: 'failed', error: { message: 'backend went away' }, output: [{ type: 'message', content: [{ text: 'Hel' }] }] })
})
