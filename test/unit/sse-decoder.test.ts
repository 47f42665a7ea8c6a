import t from 'tap'
import { SseDecoder, decodeSse, type SseEvent } from '../../src/streaming/sse-decoder.js'

const enc = new TextEncoder()

/** Feeds lines to one decoder and collects dispatched events, flushing at the end. */
function decodeAll (lines: string[], flush = true): SseEvent[] {
  const decoder = new SseDecoder()
  const events: SseEvent[] = []
  for (const line of lines) {
    const event = decoder.decode(line)
    if (event !== null) events.push(event)
  }
  if (flush) {
    const last = decoder.flush()
    if (last !== null) events.push(last)
  }
  return events
}

async function * fromArray<T> (items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item
}

async function collect<T> (source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of source) out.push(item)
  return out
}

/** The batches decodeSse yields for these byte buffers (given as text). */
async function sseBatches (buffers: Array<string | Uint8Array>): Promise<SseEvent[][]> {
  return await collect(decodeSse(fromArray(buffers.map((b) => typeof b === 'string' ? enc.encode(b) : b))))
}

t.test('a data line followed by a blank line dispatches one event', async (t) => {
  t.same(decodeAll(['data: {"x":1}', ''], false), [{ event: null, data: '{"x":1}' }])
})

t.test('no event is dispatched before the blank line', async (t) => {
  const decoder = new SseDecoder()
  t.equal(decoder.decode('data: hello'), null)
  t.same(decoder.decode(''), { event: null, data: 'hello' })
})

t.test('comment lines are ignored', async (t) => {
  t.same(decodeAll([': keep-alive', '', 'data: a', ':another comment', ''], false), [
    { event: null, data: 'a' },
  ])
})

t.test('a blank line with nothing pending dispatches nothing', async (t) => {
  t.same(decodeAll(['', '', ': ping', '', ''], false), [])
})

t.test('multiple data lines of one event are joined with a newline', async (t) => {
  t.same(decodeAll(['data: line1', 'data: line2', 'data:', 'data: line4', ''], false), [
    { event: null, data: 'line1\nline2\n\nline4' },
  ])
})

t.test('data without a space after the colon is taken verbatim', async (t) => {
  t.same(decodeAll(['data:x', ''], false), [{ event: null, data: 'x' }])
})

t.test('only one leading space is stripped from the value', async (t) => {
  t.same(decodeAll(['data:  x', ''], false), [{ event: null, data: ' x' }])
})

t.test('colons after the first one belong to the value', async (t) => {
  t.same(decodeAll(['data: a: b:c', ''], false), [{ event: null, data: 'a: b:c' }])
})

t.test('the event field names the event', async (t) => {
  t.same(decodeAll(['event: error', 'data: {"message":"x"}', ''], false), [
    { event: 'error', data: '{"message":"x"}' },
  ])
})

t.test('an event with only an event field is still dispatched', async (t) => {
  t.same(decodeAll(['event: ping', ''], false), [{ event: 'ping', data: '' }])
})

t.test('the event name does not leak into the next event', async (t) => {
  t.same(decodeAll(['event: first', 'data: 1', '', 'data: 2', ''], false), [
    { event: 'first', data: '1' },
    { event: null, data: '2' },
  ])
})

t.test('unknown fields, id and retry are ignored', async (t) => {
  t.same(decodeAll(['id: 7', 'retry: 1000', 'foo: bar', 'data: d', ''], false), [
    { event: null, data: 'd' },
  ])
  t.same(decodeAll(['id: 7', 'foo: bar', ''], false), [], 'unknown fields alone dispatch nothing')
})

t.test('a line without a colon is a field name with an empty value', async (t) => {
  t.same(decodeAll(['data', ''], false), [{ event: null, data: '' }])
  t.same(decodeAll(['data: a', 'data', ''], false), [{ event: null, data: 'a\n' }])
})

t.test('field names are case-sensitive', async (t) => {
  t.same(decodeAll(['Data: x', 'EVENT: y', ''], false), [])
})

t.test('flush delivers a final event that lacks a trailing blank line', async (t) => {
  const decoder = new SseDecoder()
  t.equal(decoder.decode('data: last'), null)
  t.same(decoder.flush(), { event: null, data: 'last' })
  t.equal(decoder.flush(), null, 'second flush has nothing left')
})

t.test('[DONE] passes through as ordinary data', async (t) => {
  t.same(decodeAll(['data: {"a":1}', '', 'data: [DONE]', ''], false), [
    { event: null, data: '{"a":1}' },
    { event: null, data: '[DONE]' },
  ])
})

t.test('decodeSse yields events and flushes the final one at end of input', async (t) => {
  const events = (await sseBatches([': keep-alive\n\ndata: 1\n\nevent: end\ndata: 2'])).flat()
  t.same(events, [
    { event: null, data: '1' },
    { event: 'end', data: '2' },
  ])
})

t.test('decodeSse parses a CRLF stream split at awkward points', async (t) => {
  const bytes = enc.encode(
    ': keep-alive\r\n\r\ndata: {"c":"你好"}\r\n\r\ndata: [DONE]\r\n\r\n'
  )
  const events = (await sseBatches(Array.from(bytes, (b) => Uint8Array.of(b)))).flat()
  t.same(events, [
    { event: null, data: '{"c":"你好"}' },
    { event: null, data: '[DONE]' },
  ])
})

t.test('decodeSse yields one batch per buffer with every event that buffer completed', async (t) => {
  const batches = await sseBatches([
    'data: 1\n\ndata: 2\n\nda', // two events and the start of a third
    'ta: 3\n', // completes no event
    '\n: keep-alive\n\ndata: 4\r', // ends event 3; a CR at the very end ends the data line at once
    '\n\r\n', // the LF of that CRLF, then the blank line
  ])
  t.same(batches, [
    [{ event: null, data: '1' }, { event: null, data: '2' }],
    [{ event: null, data: '3' }],
    [{ event: null, data: '4' }],
  ])
})

t.test('decodeSse joins a multi-line data field split across buffers', async (t) => {
  t.same(await sseBatches(['data: {"a":\ndata:', ' 1}\n', '\n']), [[{ event: null, data: '{"a":\n1}' }]])
})

t.test('decodeSse hands on a buffer\'s events before the next buffer is read', async (t) => {
  let read = 0
  async function * source (): AsyncGenerator<Uint8Array> {
    read++
    yield enc.encode('data: first\n\n')
    read++
    yield enc.encode('data: second\n\n')
  }
  const iterator = decodeSse(source())
  t.same((await iterator.next()).value, [{ event: null, data: 'first' }])
  t.equal(read, 1, 'the second buffer was not waited for')
  t.same((await iterator.next()).value, [{ event: null, data: 'second' }])
  t.ok((await iterator.next()).done)
})
