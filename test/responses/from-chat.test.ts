// A whole chat completion (as the core returns it) → the response object.
import t from 'tap'
import { fromChatCompletion } from '../../src/fronts/responses/from-chat.js'
import type { ChatCompletion } from '../../src/schemas/openai-types.js'

const completion = (message: Record<string, unknown>, finishReason = 'stop'): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'deepseek-reasoner',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
  usage: { prompt_tokens: 10, completion_tokens: 7, total_tokens: 17, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } }
})

t.test('reasoning, then text; usage with its details; settings echoed', async (t) => {
  const response = fromChatCompletion('resp_1', { model: 'deepseek-reasoner', input: 'x', metadata: { a: 'b' }, store: false },
    completion({ content: 'Hello', reasoning_content: 'Think' }))
  t.match(response, {
    id: 'resp_1',
    object: 'response',
    status: 'completed',
    model: 'deepseek-reasoner',
    metadata: { a: 'b' },
    store: false,
    error: null,
    incomplete_details: null,
    output: [
      { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Think' }] },
      { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] }
    ],
    usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 17 }
  })
  t.match(response.output[0]?.id, /^rs_/)
  t.match(response.output[1]?.id, /^msg_/)
})

t.test('tool calls become function_call items with the call id and JSON arguments', async (t) => {
  const response = fromChatCompletion('resp_2', { model: 'm' }, completion({
    content: '',
    tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }, { id: 'call_b', type: 'function', function: { name: 'now', arguments: {} } }]
  }, 'tool_calls'))
  t.match(response.output, [
    { type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
    { type: 'function_call', call_id: 'call_b', name: 'now', arguments: '{}' }
  ])
  t.equal(response.output.length, 2, 'no empty message next to the calls')
  t.match(response.output[0]?.id, /^fc_/)
})

t.test('a length stop is incomplete with max_output_tokens; an empty answer is an empty message', async (t) => {
  const response = fromChatCompletion('resp_3', { model: 'm' }, completion({ content: null }, 'length'))
  t.equal(response.status, 'incomplete')
  t.same(response.incomplete_details, { reason: 'max_output_tokens' })
  t.match(response.output, [{ type: 'message', content: [{ type: 'output_text', text: '' }] }])
})
