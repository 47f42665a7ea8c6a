// Messages request → chat request, on bodies shaped like what Claude Code and the SDK send.
import t from 'tap'
import { toChatRequest } from '../../src/fronts/anthropic/to-chat.js'
import type { MessagesRequest } from '../../src/fronts/anthropic/types.js'

const TOOL = { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }

t.test('a Claude Code turn with cached system blocks, tool use and tool results', async (t) => {
  const body: MessagesRequest = {
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 32000,
    stream: true,
    system: [{ type: 'text', text: 'You are Claude Code.' }, { type: 'text', text: 'Be concise.', cache_control: { type: 'ephemeral' } }],
    tools: [TOOL],
    tool_choice: { type: 'any', disable_parallel_tool_use: true },
    metadata: { user_id: 'user_abc' },
    stop_sequences: ['</done>'],
    messages: [
      { role: 'user', content: 'Open README.md' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I should read it.', signature: 'sig' },
          { type: 'text', text: 'Reading.' },
          { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'README.md' } }
        ]
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '# qiao' }] }, { type: 'text', text: 'Summarise it.' }] }
    ]
  }
  t.same(toChatRequest(body), {
    model: 'claude-sonnet-4-5-20250929',
    max_tokens: 32000,
    messages: [
      { role: 'system', content: 'You are Claude Code.\n\nBe concise.' },
      { role: 'user', content: 'Open README.md' },
      {
        role: 'assistant',
        content: 'Reading.',
        reasoning_content: 'I should read it.',
        tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'Read', arguments: '{"path":"README.md"}' } }]
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '# qiao' },
      { role: 'user', content: 'Summarise it.' }
    ],
    stop: ['</done>'],
    tools: [{ type: 'function', function: { name: 'Read', description: 'Read a file', parameters: TOOL.input_schema } }],
    tool_choice: 'required',
    parallel_tool_calls: false,
    user: 'user_abc',
    stream: true,
    stream_options: { include_usage: true }
  })
})

t.test('tool_choice maps auto, none and a named tool', async (t) => {
  const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] }
  t.equal(toChatRequest({ ...base, tool_choice: { type: 'auto' } })['tool_choice'], 'auto')
  t.equal(toChatRequest({ ...base, tool_choice: { type: 'none' } })['tool_choice'], 'none')
  t.same(toChatRequest({ ...base, tool_choice: { type: 'tool', name: 'Read' } })['tool_choice'], { type: 'function', function: { name: 'Read' } })
})

t.test('thinking becomes reasoning_effort: disabled, budgets, adaptive with an effort', async (t) => {
  const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] }
  const effort = (extra: Partial<MessagesRequest>) => toChatRequest({ ...base, ...extra })['reasoning_effort']
  t.equal(effort({ thinking: { type: 'disabled' } }), 'none')
  t.equal(effort({ thinking: { type: 'enabled', budget_tokens: 1024 } }), 'low')
  t.equal(effort({ thinking: { type: 'enabled', budget_tokens: 8000 } }), 'medium')
  t.equal(effort({ thinking: { type: 'enabled', budget_tokens: 32000 } }), 'high')
  t.equal(effort({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } }), 'max')
  t.equal(effort({ thinking: { type: 'adaptive' } }), undefined, 'the backend default')
  t.equal(effort({}), undefined)
})

t.test('images: base64 becomes a data URL, a url stays a url', async (t) => {
  const chat = toChatRequest({
    model: 'm',
    max_tokens: 10,
    messages: [{
      role: 'user',
      content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
        { type: 'text', text: 'Compare.' }
      ]
    }]
  })
  t.same(chat.messages[0]?.content, [
    { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
    { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
    { type: 'text', text: 'Compare.' }
  ])
})

t.test('an unsupported block is a 400 that names it and where it is', async (t) => {
  const base = { model: 'm', max_tokens: 10 }
  t.throws(() => toChatRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', data: 'x' } }] }] }),
    { statusCode: 400, message: /'document'.*messages\[0\]\.content\[0\]/, param: 'messages[0].content[0]' })
  t.throws(() => toChatRequest({ ...base, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'web_search', type: 'web_search_20250305' }] }),
    { statusCode: 400, message: /web_search_20250305/ })
  t.throws(() => toChatRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } as never }] }] }),
    { statusCode: 400, message: /Image source of type 'file'/ })
})

t.test('an image in a tool result goes into the user message after the tool message', async (t) => {
  const chat = toChatRequest({
    model: 'm',
    max_tokens: 10,
    messages: [{
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'cat.png' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } }] }]
    }]
  })
  t.same(chat.messages, [
    { role: 'tool', tool_call_id: 'toolu_2', content: 'cat.png' },
    { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }] }
  ])
})
