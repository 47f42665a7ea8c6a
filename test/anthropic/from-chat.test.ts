// Chat answers and chunk batches → Anthropic's message object and stream events, on recorded backend shapes.
import t from 'tap'
import { toMessage } from '../../src/fronts/anthropic/from-chat.js'
import { AnthropicStreamEncoder } from '../../src/fronts/anthropic/stream-events.js'
import { UpstreamError } from '../../src/errors/gateway-error.js'
import type { ChatCompletionChunk } from '../../src/schemas/openai-types.js'

t.test('a DeepSeek answer with reasoning and a tool call', async (t) => {
  const message = toMessage({
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1,
    model: 'claude-sonnet-4-5',
    choices: [{
      index: 0,
      finish_reason: 'tool_calls',
      message: { role: 'assistant', content: '', reasoning_content: 'Need the weather.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }] }
    }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 64 }, prompt_cache_hit_tokens: 64 }
  }, undefined)
  t.same(message, {
    id: 'msg_abc',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [
      { type: 'thinking', thinking: 'Need the weather.', signature: '' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Tokyo' } }
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 36, output_tokens: 20, cache_read_input_tokens: 64 }
  })
})

t.test('stop reasons: length, stop, a stop sequence the server names', async (t) => {
  const answer = (finish: string, extra = {}) => ({
    id: 'chatcmpl-x',
    object: 'chat.completion' as const,
    created: 1,
    model: 'm',
    choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', content: 'hi' }, ...extra }]
  })
  t.match(toMessage(answer('length'), undefined), { stop_reason: 'max_tokens', stop_sequence: null })
  t.match(toMessage(answer('stop'), ['END']), { stop_reason: 'end_turn', stop_sequence: null })
  t.match(toMessage(answer('stop', { stop_reason: 'END' }), ['END']), { stop_reason: 'stop_sequence', stop_sequence: 'END' })
  t.match(toMessage(answer('stop'), undefined), { usage: { input_tokens: 0, output_tokens: 0 } }, 'no usage reported')
})

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
  ({ id: 'chatcmpl-s1', choices: [{ index: 0, delta, finish_reason: finish }] })

function events (text: string): Array<{ event: string, data: any }> {
  return text.split('\n\n').filter((f) => f !== '').map((f) => {
    const [event, data] = f.split('\n')
    return { event: (event ?? '').replace('event: ', ''), data: JSON.parse((data ?? '').replace('data: ', '')) }
  })
}

t.test('a stream of reasoning, text and a tool call: one block at a time, rising indexes, event on every frame', async (t) => {
  const encoder = new AnthropicStreamEncoder({ model: 'claude-x' })
  const text = encoder.batch([chunk({ role: 'assistant', reasoning_content: 'Hmm' }), chunk({ reasoning_content: '.' })]) +
    encoder.batch([chunk({ content: 'Let me check.' })]) +
    encoder.batch([chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '' } }] }), chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }), chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }, 'tool_calls')]) +
    encoder.batch([{ id: 'chatcmpl-s1', choices: [], usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 } }]) +
    encoder.end()
  const got = events(text)
  for (const e of got) t.equal(e.event, e.data.type, 'event: names the frame')
  t.same(got.map((e) => [e.event, e.data.index ?? null, e.data.delta?.type ?? e.data.content_block?.type ?? null]), [
    ['message_start', null, null], ['ping', null, null],
    ['content_block_start', 0, 'thinking'], ['content_block_delta', 0, 'thinking_delta'], ['content_block_delta', 0, 'thinking_delta'],
    ['content_block_stop', 0, null],
    ['content_block_start', 1, 'text'], ['content_block_delta', 1, 'text_delta'], ['content_block_stop', 1, null],
    ['content_block_start', 2, 'tool_use'], ['content_block_delta', 2, 'input_json_delta'], ['content_block_delta', 2, 'input_json_delta'],
    ['content_block_stop', 2, null],
    ['message_delta', null, null], ['message_stop', null, null]
  ])
  t.match(got[0]?.data.message, { id: 'msg_s1', model: 'claude-x', content: [], usage: { input_tokens: 0, output_tokens: 0 } })
  t.same(got[9]?.data.content_block, { type: 'tool_use', id: 'call_9', name: 'get_weather', input: {} })
  t.same(got[13]?.data, { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 9, output_tokens: 5 } })
})

t.test('a whole tool call in one chunk (Zhipu, Ollama) opens its block and sends the arguments once', async (t) => {
  const encoder = new AnthropicStreamEncoder({ model: 'm' })
  const got = events(encoder.batch([chunk({ tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, 'tool_calls')]) + encoder.end())
  t.same(got.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta), [{ type: 'input_json_delta', partial_json: '{"a":1}' }])
})

t.test('a failure after the start is an error event in Anthropic\'s shape', async (t) => {
  const encoder = new AnthropicStreamEncoder({ model: 'm' })
  const got = events(encoder.error(new UpstreamError('deepseek: the stream broke', { code: 'upstream_stream_broken' })))
  t.same(got, [{ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'deepseek: the stream broke' } } }])
})
