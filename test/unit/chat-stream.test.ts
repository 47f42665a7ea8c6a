// The stream every client sees, whatever the backend (toClientChunks), and chunks folded into one
// chat.completion for non-streaming clients (aggregateChunks).
import t from 'tap'
import { aggregateChunks } from '../../src/streaming/aggregate-chunks.js'
import { toClientChunks, type ClientStreamOptions } from '../../src/streaming/chat-stream.js'
import type { ChatCompletionChunk, Usage } from '../../src/schemas/openai-types.js'

const IDENTITY = { id: 'chatcmpl-fixed', created: 1_700_000_000, model: 'alias-name' }
const USAGE: Usage = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 }

/** The chunks as a backend stream of batches: one chunk per upstream buffer. */
async function * from (chunks: ChatCompletionChunk[]): AsyncGenerator<ChatCompletionChunk[]> {
  for (const chunk of chunks) yield [chunk]
}

async function * batches (list: ChatCompletionChunk[][]): AsyncGenerator<ChatCompletionChunk[]> {
  for (const batch of list) yield batch
}

async function clientBatches (source: AsyncIterable<ChatCompletionChunk[]>, options: Partial<ClientStreamOptions> = {}): Promise<ChatCompletionChunk[][]> {
  const out: ChatCompletionChunk[][] = []
  for await (const batch of toClientChunks(source, { ...IDENTITY, includeUsage: false, ...options })) out.push(batch)
  return out
}

/** The client's chunks, in order, whatever batches they came in. */
async function client (chunks: ChatCompletionChunk[], options: Partial<ClientStreamOptions> = {}): Promise<ChatCompletionChunk[]> {
  return (await clientBatches(from(chunks), options)).flat()
}

/** An upstream chunk as a backend might send it, with its own id, created and model. */
const up = (delta: Record<string, unknown>, finish?: string | null, extra: Record<string, unknown> = {}): ChatCompletionChunk => ({
  id: 'upstream-id',
  object: 'chat.completion.chunk',
  created: 42,
  model: 'upstream-model',
  choices: [{ index: 0, delta, ...(finish !== undefined ? { finish_reason: finish } : {}) }],
  ...extra
})

t.test('toClientChunks gives every chunk the one id, created and requested model', async (t) => {
  const out = await client([up({ role: 'assistant', content: 'a' }, null), up({ content: 'b' }, null), up({}, 'stop')])
  t.equal(out.length, 3)
  for (const chunk of out) t.match(chunk, { id: 'chatcmpl-fixed', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'alias-name' })
})

t.test('toClientChunks sets object even when the backend leaves it out', async (t) => {
  const out = await client([{ choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }])
  t.equal(out[0]?.object, 'chat.completion.chunk')
})

t.test('toClientChunks sends role once, on the first chunk, even if the backend repeats it', async (t) => {
  const out = await client([up({ role: 'assistant', content: 'a' }, null), up({ role: 'assistant', content: 'b' }, null), up({ role: 'assistant' }, 'stop')])
  t.same(out.map((c) => c.choices[0]?.delta.role), ['assistant', undefined, undefined])
  t.notOk('role' in (out[1]?.choices[0]?.delta ?? {}), 'the key is removed, not set to undefined')
})

t.test('toClientChunks adds the role when the backend never sends one', async (t) => {
  const out = await client([up({ content: 'a' }, null), up({}, 'stop')])
  t.equal(out[0]?.choices[0]?.delta.role, 'assistant')
  t.equal(out[1]?.choices[0]?.delta.role, undefined)
})

t.test('toClientChunks writes finish_reason null where the backend leaves it out', async (t) => {
  const out = await client([up({ content: 'a' }), up({ content: 'b' }), up({}, 'stop')])
  t.same(out.map((c) => c.choices[0]?.finish_reason), [null, null, 'stop'])
  t.ok(out.every((c) => 'finish_reason' in (c.choices[0] ?? {})))
})

t.test('toClientChunks ends a stream that stopped without a finish_reason with a stop chunk', async (t) => {
  const out = await client([up({ content: 'a' }, null)])
  t.equal(out.length, 2)
  t.same(out[1], { ...IDENTITY, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })
})

t.test('toClientChunks answers an empty backend stream with one role-and-stop chunk', async (t) => {
  const out = await client([])
  t.same(out, [{ ...IDENTITY, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: 'stop' }] }])
})

t.test('toClientChunks does not add a stop chunk when the backend finished', async (t) => {
  const out = await client([up({ content: 'a' }, null), up({}, 'length')])
  t.equal(out.length, 2)
  t.equal(out.at(-1)?.choices[0]?.finish_reason, 'length')
})

t.test('toClientChunks keeps role and finish per choice when n > 1', async (t) => {
  const two = (a: Record<string, unknown>, b: Record<string, unknown>, finish: string | null): ChatCompletionChunk =>
    ({ choices: [{ index: 0, delta: { ...a }, finish_reason: finish }, { index: 1, delta: { ...b }, finish_reason: finish }] })
  const out = await client([
    two({ content: 'a' }, { content: 'x' }, null),
    two({ content: 'b' }, { content: 'y' }, null),
    { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }
  ])
  t.same(out[0]?.choices.map((c) => c.delta.role), ['assistant', 'assistant'])
  t.same(out[1]?.choices.map((c) => c.delta.role), [undefined, undefined])
  // Choice 1 never finished upstream: the gateway closes it.
  t.same(out.at(-1)?.choices, [{ index: 1, delta: {}, finish_reason: 'stop' }])
})

t.test('toClientChunks drops usage without include_usage but still reports it', async (t) => {
  const seen: Usage[] = []
  const out = await client([up({ content: 'a' }, null), up({}, 'stop', { usage: { ...USAGE } })], { onUsage: (u) => seen.push(u) })
  t.equal(out.length, 2)
  t.ok(out.every((c) => !('usage' in c)), 'no chunk carries usage')
  t.same(seen, [USAGE])
})

t.test('toClientChunks moves usage from the final content chunk to its own choices: [] chunk', async (t) => {
  // Zhipu puts usage on the chunk that carries finish_reason.
  const out = await client([up({ content: 'a' }, null), up({ content: 'b' }, 'stop', { usage: { ...USAGE } })], { includeUsage: true })
  t.equal(out.length, 3)
  t.notOk('usage' in (out[1] ?? {}), 'the content chunk loses its usage')
  t.equal(out[1]?.choices[0]?.delta.content, 'b')
  t.same(out[2], { ...IDENTITY, object: 'chat.completion.chunk', choices: [], usage: USAGE })
})

t.test('toClientChunks passes a separate usage chunk through as the last chunk', async (t) => {
  const out = await client([up({ content: 'a' }, 'stop'), { choices: [], usage: { ...USAGE } }], { includeUsage: true })
  t.equal(out.length, 2)
  t.same(out[1]?.choices, [])
  t.same(out[1]?.usage, USAGE)
})

t.test('toClientChunks strips usage: null from intermediate chunks', async (t) => {
  const out = await client([up({ content: 'a' }, null, { usage: null }), up({}, 'stop')], { includeUsage: true })
  t.equal(out.length, 2, 'no usage chunk without usage')
  t.notOk('usage' in (out[0] ?? {}))
})

t.test('toClientChunks sends the usage chunk after the synthesised stop chunk', async (t) => {
  const out = await client([up({ content: 'a' }, null), { choices: [], usage: { ...USAGE } }], { includeUsage: true })
  t.same(out.map((c) => c.choices.length === 0 ? 'usage' : c.choices[0]?.finish_reason), [null, 'stop', 'usage'])
})

t.test('toClientChunks splits a whole tool call into an announcement then its arguments', async (t) => {
  const out = await client([
    up({ role: 'assistant', content: '', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }] }, null),
    up({}, 'tool_calls')
  ])
  t.equal(out.length, 3)
  t.same(out[0]?.choices, [{
    index: 0,
    delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
    finish_reason: null
  }])
  t.same(out[1]?.choices[0]?.delta.tool_calls, [{ index: 0, function: { arguments: '{"city":"Tokyo"}' } }])
  t.notOk('role' in (out[1]?.choices[0]?.delta ?? {}), 'role stays on the announcement')
  t.equal(out[1]?.id, 'chatcmpl-fixed')
  t.equal(out[0]?.id, 'chatcmpl-fixed', 'the announcement has the stream identity too')
  t.equal(out[2]?.choices[0]?.finish_reason, 'tool_calls')
})

t.test('toClientChunks serialises object arguments of a whole tool call', async (t) => {
  const out = await client([up({ tool_calls: [{ id: 'call_1', function: { name: 'f', arguments: { a: 1 } } }] }, 'tool_calls')])
  t.same(out[0]?.choices[0]?.delta.tool_calls, [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }])
  t.same(out[1]?.choices[0]?.delta.tool_calls, [{ index: 0, function: { arguments: '{"a":1}' } }])
  t.equal(out[1]?.choices[0]?.finish_reason, 'tool_calls', 'the finish reason stays on the arguments chunk')
})

t.test('toClientChunks announces several whole tool calls of one delta together', async (t) => {
  const out = await client([up({
    tool_calls: [
      { index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '{}' } },
      { index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"x":2}' } }
    ]
  }, 'tool_calls')])
  t.same(out[0]?.choices[0]?.delta.tool_calls?.map((c) => [c.index, c.id, c.function?.name, c.function?.arguments]), [[0, 'call_a', 'f', ''], [1, 'call_b', 'g', '']])
  t.same(out[1]?.choices[0]?.delta.tool_calls, [{ index: 0, function: { arguments: '{}' } }, { index: 1, function: { arguments: '{"x":2}' } }])
})

t.test('toClientChunks leaves incrementally streamed tool calls as they are', async (t) => {
  const head = { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }
  const out = await client([
    up({ role: 'assistant', tool_calls: [head] }, null),
    up({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }, null),
    up({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, null),
    up({}, 'tool_calls')
  ])
  t.equal(out.length, 4, 'no announcement chunk is added')
  t.same(out[0]?.choices[0]?.delta.tool_calls, [head])
  t.same(out[1]?.choices[0]?.delta.tool_calls, [{ index: 0, function: { arguments: '{"a"' } }])
})

t.test('toClientChunks keeps fields it does not interpret', async (t) => {
  const out = await client([up({ content: '', reasoning_content: 'think' }, null, { system_fingerprint: 'fp_1' }), up({}, 'stop')])
  t.equal(out[0]?.['system_fingerprint'], 'fp_1')
  t.equal(out[0]?.choices[0]?.delta.reasoning_content, 'think')
})

t.test('toClientChunks passes a backend failure on without a synthesised ending', async (t) => {
  async function * failing (): AsyncGenerator<ChatCompletionChunk[]> {
    yield [up({ content: 'a' }, null)]
    throw new Error('socket hang up')
  }
  const out: ChatCompletionChunk[][] = []
  await t.rejects(async () => {
    for await (const batch of toClientChunks(failing(), { ...IDENTITY, includeUsage: true })) out.push(batch)
  }, { message: 'socket hang up' })
  t.equal(out.flat().length, 1, 'no stop chunk after a failure')
})

/** A stream that exercises every rewrite: repeated roles, two choices, a whole tool call, usage on the last chunk. */
const richStream = (): ChatCompletionChunk[] => [
  { choices: [{ index: 0, delta: { role: 'assistant', content: 'a' } }, { index: 1, delta: { role: 'assistant', content: 'x' } }] },
  { choices: [{ index: 0, delta: { role: 'assistant', content: 'b' }, finish_reason: 'stop' }] },
  { choices: [{ index: 1, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] } }] },
  { choices: [{ index: 1, delta: {}, finish_reason: 'tool_calls' }], usage: USAGE }
]

t.test('toClientChunks gives the same chunks whether the backend batched them or not', async (t) => {
  const one = await client(richStream(), { includeUsage: true })
  const whole = (await clientBatches(batches([richStream()]), { includeUsage: true })).flat()
  const split = (await clientBatches(batches([richStream().slice(0, 3), richStream().slice(3)]), { includeUsage: true })).flat()
  t.equal(one.length, 6, 'four chunks, a tool-call announcement and the usage chunk')
  t.same(whole, one)
  t.same(split, one)
})

t.test('toClientChunks answers each upstream batch with one batch, in order, as it arrives', async (t) => {
  const [first, second, third] = richStream()
  const source = batches([[first as ChatCompletionChunk, second as ChatCompletionChunk], [third as ChatCompletionChunk]])
  const iterator = toClientChunks(source, { ...IDENTITY, includeUsage: false })
  const a = await iterator.next()
  t.same(a.value?.map((c: ChatCompletionChunk) => c.choices.map((choice) => choice.delta.content)), [['a', 'x'], ['b']], 'the first batch, before the next is read')
  const b = await iterator.next()
  t.equal(b.value?.length, 2, 'the tool call announcement and its arguments, together')
  const tail = await iterator.next()
  t.same(tail.value?.map((c: ChatCompletionChunk) => c.choices.map((choice) => choice.finish_reason)), [['stop']], 'choice 1 is closed at the end')
  t.ok((await iterator.next()).done)
})

t.test('toClientChunks skips a batch that held only usage and sends the stop and usage chunks as one final batch', async (t) => {
  const out = await clientBatches(batches([[up({ content: 'a' }, null)], [{ choices: [], usage: USAGE }]]), { includeUsage: true })
  t.equal(out.length, 2, 'the content batch and the final batch')
  t.same(out[1]?.map((c) => c.choices.length), [1, 0], 'the synthesised stop, then the usage chunk')
  t.same(out[1]?.[1]?.usage, USAGE)
})

const aggregate = async (chunks: ChatCompletionChunk[]) => await aggregateChunks(from(chunks), IDENTITY)

t.test('aggregateChunks gives the same completion whether the chunks came batched or not', async (t) => {
  const one = await aggregate(richStream())
  const whole = await aggregateChunks(batches([richStream()]), IDENTITY)
  t.same(whole, one)
  t.equal(one.choices[1]?.message.tool_calls?.[0]?.function?.name, 'f')
  t.same(one.usage, USAGE)
})

t.test('aggregateChunks joins content into one chat.completion with the given identity', async (t) => {
  const completion = await aggregate([up({ role: 'assistant', content: 'Hel' }, null), up({ content: 'lo' }, null), up({}, 'stop')])
  t.same(completion, {
    ...IDENTITY,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }]
  })
})

t.test('aggregateChunks joins reasoning_content and skips null idle fields', async (t) => {
  const completion = await aggregate([
    up({ role: 'assistant', content: null, reasoning_content: 'Let me ' }, null),
    up({ content: null, reasoning_content: 'think.' }, null),
    up({ content: 'Answer', reasoning_content: null }, null),
    up({ content: '', reasoning_content: null }, 'stop')
  ])
  t.same(completion.choices[0]?.message, { role: 'assistant', content: 'Answer', reasoning_content: 'Let me think.' })
})

t.test('aggregateChunks has no reasoning_content when the stream had none', async (t) => {
  const completion = await aggregate([up({ content: 'a' }, 'stop')])
  t.notOk('reasoning_content' in (completion.choices[0]?.message ?? {}))
})

t.test('aggregateChunks rebuilds a streamed tool call from its fragments', async (t) => {
  const completion = await aggregate([
    up({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }, null),
    up({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }, null),
    up({ tool_calls: [{ index: 0, function: { arguments: '"Tokyo"}' } }] }, null),
    up({}, 'tool_calls')
  ])
  t.same(completion.choices[0]?.message.tool_calls, [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }])
  t.equal(completion.choices[0]?.finish_reason, 'tool_calls')
})

t.test('aggregateChunks keeps parallel tool calls apart by index', async (t) => {
  const completion = await aggregate([
    up({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"x"' } }] }, null),
    up({ tool_calls: [{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } }] }, null),
    up({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, 'tool_calls')
  ])
  t.same(completion.choices[0]?.message.tool_calls?.map((c) => [c.id, c.function?.name, c.function?.arguments]), [['a', 'f', '{"x":1}'], ['b', 'g', '{}']])
})

t.test('aggregateChunks keeps the last usage seen', async (t) => {
  const completion = await aggregate([up({ content: 'a' }, 'stop'), { choices: [], usage: { ...USAGE } }])
  t.same(completion.usage, USAGE)
})

t.test('aggregateChunks has no usage when the stream had none', async (t) => {
  t.notOk('usage' in await aggregate([up({ content: 'a' }, 'stop')]))
})

t.test('aggregateChunks orders several choices by index', async (t) => {
  const completion = await aggregate([
    { choices: [{ index: 1, delta: { content: 'second' }, finish_reason: null }] },
    { choices: [{ index: 0, delta: { content: 'first' }, finish_reason: 'stop' }] },
    { choices: [{ index: 1, delta: {}, finish_reason: 'length' }] }
  ])
  t.same(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason]), [[0, 'first', 'stop'], [1, 'second', 'length']])
})

t.test('aggregateChunks leaves finish_reason null when the stream never gave one', async (t) => {
  const completion = await aggregate([up({ content: 'a' }, null)])
  t.equal(completion.choices[0]?.finish_reason, null)
})
