// Responses requests (as openai-node and the Agents SDK send them) → the chat request the core runs.
import t from 'tap'
import { toChatRequest } from '../../src/fronts/responses/to-chat.js'
import type { ResponsesRequest } from '../../src/fronts/responses/types.js'

t.test('a string input with instructions is a system and a user message', async (t) => {
  const chat = toChatRequest({ model: 'm', input: 'Hi', instructions: 'Be brief', max_output_tokens: 50, temperature: 0.2, top_p: 0.9 })
  t.same(chat, { model: 'm', messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }], max_tokens: 50, temperature: 0.2, top_p: 0.9 })
})

t.test('a tool loop turn: reasoning rides on the assistant tool call, the output is a tool message', async (t) => {
  const request: ResponsesRequest = {
    model: 'deepseek-reasoner',
    input: [
      { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
      { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'Call the tool.' }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
      { type: 'function_call', id: 'fc_2', call_id: 'call_2', name: 'get_time', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'noon' }] }
    ],
    stream: true
  }
  t.same(toChatRequest(request), {
    model: 'deepseek-reasoner',
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'Call the tool.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } }
        ]
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: 'noon' }
    ],
    stream: true,
    stream_options: { include_usage: true }
  })
})

t.test('stored history comes before the new input; assistant output_text becomes the content', async (t) => {
  const chat = toChatRequest({ model: 'm', input: 'And then?', instructions: 'New rules' }, [
    { type: 'message', id: 'msg_a', role: 'user', content: 'Hello' },
    { type: 'message', id: 'msg_b', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi ', annotations: [] }, { type: 'output_text', text: 'there' }] }
  ])
  t.same(chat.messages, [
    { role: 'system', content: 'New rules' },
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'Hi there' },
    { role: 'user', content: 'And then?' }
  ])
})

t.test('images become image_url parts; a file_id image is refused', async (t) => {
  const chat = toChatRequest({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' }] }] })
  t.same(chat.messages[0]?.content, [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }])
  t.throws(() => toChatRequest({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }), { statusCode: 400, param: 'input[0].content[0]', message: /./ })
})

t.test('function tools flatten into chat tools; tool_choice, text.format and reasoning.effort map', async (t) => {
  const chat = toChatRequest({
    model: 'm',
    input: 'x',
    tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} }, strict: true }],
    tool_choice: { type: 'function', name: 'get_weather' },
    text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
    reasoning: { effort: 'low' },
    parallel_tool_calls: false,
    metadata: { a: 'b' },
    store: true
  })
  t.same(chat['tools'], [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} }, strict: true } }])
  t.same(chat['tool_choice'], { type: 'function', function: { name: 'get_weather' } })
  t.same(chat['response_format'], { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } })
  t.equal(chat['reasoning_effort'], 'low')
  t.equal(chat['parallel_tool_calls'], false)
  t.notOk('metadata' in chat, 'metadata is echoed in the response, not sent to the backend')
  t.notOk('store' in chat)
  t.same(toChatRequest({ model: 'm', input: 'x', text: { format: { type: 'json_object' } } })['response_format'], { type: 'json_object' })
  t.notOk('response_format' in toChatRequest({ model: 'm', input: 'x', text: { format: { type: 'text' } } }))
})

t.test('built-in tools are a 400 that names the tool', async (t) => {
  for (const type of ['web_search', 'file_search', 'computer_use_preview']) {
    t.throws(() => toChatRequest({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f' }, { type }] }),
      { statusCode: 400, param: 'tools[1].type', code: 'unsupported_parameter', message: new RegExp(`'${type}'`) })
  }
})

t.test('unsupported items, roles and services are refused, not dropped', async (t) => {
  t.throws(() => toChatRequest({ model: 'm', input: [{ type: 'item_reference', id: 'x' }] }), { statusCode: 400, param: 'input[0].type', message: /./ })
  t.throws(() => toChatRequest({ model: 'm', input: [{ role: 'critic', content: 'x' }] }), { statusCode: 400, param: 'input[0].role', message: /./ })
  t.throws(() => toChatRequest({ model: 'm', input: 'x', background: true }), { statusCode: 400, param: 'background', message: /./ })
  t.throws(() => toChatRequest({ model: 'm', input: [] }), { statusCode: 400, param: 'input', message: /./ })
})
