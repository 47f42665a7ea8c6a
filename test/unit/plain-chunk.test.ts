import t, { type Test } from 'tap'
import { normalizeChunk } from '../../src/providers/openai-compatible/normalize-response.js'
import type { ChatCompletionChunk } from '../../src/schemas/openai-types.js'
import { toClientChunks } from '../../src/streaming/chat-stream.js'
import { plainChunk } from '../../src/streaming/plain-chunk.js'
import { encodeSseBatch } from '../../src/streaming/sse-encoder.js'

const identity = { id: 'chatcmpl-qiao', created: 1765000000, model: 'deepseek-chat', includeUsage: true }
const head = '{"id":"2f1c","object":"chat.completion.chunk","created":1737000000,"model":"deepseek-chat","system_fingerprint":"fp_x","choices":[{"index":0,'
const middle = (delta: string): string => `${head}"delta":${delta},"logprobs":null,"finish_reason":null}]}`

/** What a client receives for these upstream events, through the recogniser or through JSON.parse alone. */
async function clientText (events: string[], fast: boolean): Promise<{ text: string, progress: number }> {
  const progress = { completionChunks: 0 }
  const parse = (data: string): ChatCompletionChunk => normalizeChunk(JSON.parse(data), 'deepseek')
  async function * source (): AsyncGenerator<ChatCompletionChunk[]> {
    yield events.map((data) => (fast ? plainChunk(data) : undefined) ?? parse(data))
  }
  let text = ''
  for await (const batch of toClientChunks(source(), { ...identity, progress })) text += encodeSseBatch(batch)
  return { text, progress: progress.completionChunks }
}

async function sameForClient (t: Test, name: string, events: string[]): Promise<void> {
  const fast = await clientText(events, true)
  const parsed = await clientText(events, false)
  t.equal(fast.text, parsed.text, `${name}: the same bytes as printed from JSON.parse`)
  t.equal(fast.progress, parsed.progress, `${name}: the same chunks counted as output`)
}

const STREAM = [
  `${head}"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}`,
  middle('{"content":"Hello"}'),
  middle('{"content":" wörld, 你好 \\"quoted\\"\\nnext line\\t\\\\"}'),
  middle('{"content":"\\u00e9 and \\/ printed otherwise by JSON.stringify"}'),
  middle('{"content":"\\u0001 control"}'),
  middle('{"content":""}'),
  `${head}"delta":{"content":"!"},"logprobs":null,"finish_reason":null}],"usage":null}`,
  `${head}"delta":{"content":""},"logprobs":null,"finish_reason":"stop"}]}`,
  '{"id":"2f1c","object":"chat.completion.chunk","created":1737000000,"model":"deepseek-chat","system_fingerprint":"fp_x","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":12}}'
]

t.test('a DeepSeek stream reaches the client byte for byte as through JSON.parse and JSON.stringify', async (t) => {
  await sameForClient(t, 'whole stream', STREAM)
  t.ok(plainChunk(middle('{"content":"Hello"}')), 'a plain text chunk is recognised')
  t.ok(plainChunk(middle('{"content":"a \\"b\\"\\n"}')), 'escapes that JSON.stringify prints the same way are recognised')
  t.equal(plainChunk(middle('{"content":"\\u00e9"}')), undefined, 'escapes JSON.stringify would print otherwise go the general way')
  t.equal(plainChunk(STREAM[0] as string), undefined, 'a chunk with a role goes the general way')
  t.equal(plainChunk(STREAM[7] as string), undefined, 'a chunk with a finish reason goes the general way')
})

t.test('the first text chunk without a role gets one, printed in full', async (t) => {
  await sameForClient(t, 'no role chunk first', [middle('{"content":"Hi"}'), middle('{"content":" there"}')])
  const { text } = await clientText([middle('{"content":"Hi"}')], true)
  t.match(text, /"delta":\{"content":"Hi","role":"assistant"\}/, 'the role is added to the first chunk')
})

t.test('reasoning chunks of deepseek-reasoner', async (t) => {
  await sameForClient(t, 'reasoner', [
    `${head}"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]}`,
    middle('{"content":null,"reasoning_content":"Compare"}'),
    middle('{"reasoning_content":" the digits"}'),
    middle('{"content":"9.8","reasoning_content":null}')
  ])
  const chunk = plainChunk(middle('{"content":null,"reasoning_content":"Compare"}'))
  t.same(chunk?.choices[0]?.delta, { content: null, reasoning_content: 'Compare' }, 'the delta is read as JSON.parse reads it')
})

t.test('shapes that are not plain go the general way, with the same result', async (t) => {
  const odd = [
    '{"id":"2f1c","object":"chat.completion.chunk","created":1737000000,"model":"deepseek-chat","choices":[{"index":0,"delta":{"content":"no fingerprint"},"logprobs":null,"finish_reason":null}]}',
    '{"id":"2f1c","object":"chat.completion.chunk","created":1737000000,"model":"deepseek-chat","system_fingerprint":null,"choices":[{"index":0,"delta":{"content":"null fingerprint"},"logprobs":null,"finish_reason":null}]}',
    '{"id":"a\\"b","object":"chat.completion.chunk","created":1737000000,"model":"deepseek-chat","choices":[{"index":0,"delta":{"content":"escaped id"},"logprobs":null,"finish_reason":null}]}',
    middle('{"content":"extra field","x_vendor":1}'),
    '{"id":"2f1c","created":1737000000,"object":"chat.completion.chunk","model":"glm","choices":[{"index":0,"delta":{"content":"Zhipu order"}}]}',
    `${head}"delta":{"content":"two choices"},"logprobs":null,"finish_reason":null},{"index":1,"delta":{"content":"b"},"logprobs":null,"finish_reason":null}]}`,
    middle('{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}')
  ]
  await sameForClient(t, 'odd shapes', [STREAM[0] as string, ...odd])
  t.ok(plainChunk(odd[0] as string), 'no fingerprint is plain')
  t.ok(plainChunk(odd[1] as string), 'a null fingerprint is plain')
  for (const data of odd.slice(2)) t.equal(plainChunk(data), undefined, `not plain: ${data.slice(0, 60)}…`)
})

t.test('text JSON.parse rejects is never passed on', async (t) => {
  t.equal(plainChunk(middle('{"content":"raw \u0001 control"}')), undefined, 'a raw control character is not plain')
  t.equal(plainChunk(middle('{"content":"bad \\x escape"}')), undefined, 'an invalid escape is not plain')
  t.equal(plainChunk(`${middle('{"content":"x"}')} trailing`), undefined, 'trailing text is not plain')
})

t.test('streams in flight together each keep their own id, created and model', async (t) => {
  const a = plainChunk(middle('{"content":"a"}')) as ChatCompletionChunk
  const b = plainChunk(middle('{"content":"b"}')) as ChatCompletionChunk
  Object.assign(a, { id: 'chatcmpl-a', created: 1, model: 'm-a' })
  Object.assign(b, { id: 'chatcmpl-b', created: 2, model: 'm-b' })
  for (let i = 0; i < 2; i++) {
    t.same(JSON.parse(encodeSseBatch([a]).slice(6)), { ...JSON.parse(JSON.stringify(a)) }, 'the first stream\'s chunk')
    t.same(JSON.parse(encodeSseBatch([b]).slice(6)), { ...JSON.parse(JSON.stringify(b)) }, 'the second stream\'s chunk')
  }
  t.match(encodeSseBatch([a, b]), /"id":"chatcmpl-a".*"content":"a".*\n\ndata: .*"id":"chatcmpl-b".*"content":"b"/s, 'one batch, two identities')
})
