import t from 'tap'
import { NdjsonParseError, decodeNdjson } from '../../src/streaming/ndjson-decoder.js'

const enc = new TextEncoder()

async function * fromArray<T> (items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item
}

/** The batches decoded from these byte buffers (given as text). */
async function batches (buffers: string[]): Promise<unknown[][]> {
  const out: unknown[][] = []
  for await (const batch of decodeNdjson(fromArray(buffers.map((b) => enc.encode(b))))) out.push(batch)
  return out
}

/** The values of these lines, sent as one buffer. */
async function collect (lines: string[]): Promise<unknown[]> {
  return (await batches([lines.join('\n')])).flat()
}

t.test('parses each line as one JSON value', async (t) => {
  t.same(await collect(['{"a":1}', '[1,2]', '"s"', '3', 'null']), [{ a: 1 }, [1, 2], 's', 3, null])
})

t.test('skips empty and whitespace-only lines', async (t) => {
  t.same(await collect(['', '{"a":1}', '   ', '\t', '{"b":2}', '']), [{ a: 1 }, { b: 2 }])
})

t.test('tolerates surrounding whitespace on a JSON line', async (t) => {
  t.same(await collect(['  {"done":true}  ']), [{ done: true }])
})

t.test('throws NdjsonParseError on invalid JSON', async (t) => {
  await t.rejects(collect(['{"ok":1}', '{not json']), NdjsonParseError)
})

t.test('the parse error is an Error carrying the bad line and the JSON cause', async (t) => {
  try {
    await collect(['{oops'])
    t.fail('should have thrown')
  } catch (err) {
    t.ok(err instanceof NdjsonParseError)
    t.ok(err instanceof Error)
    t.equal((err as NdjsonParseError).name, 'NdjsonParseError')
    t.match((err as Error).message, '{oops')
    t.ok((err as Error).cause instanceof SyntaxError)
  }
})

t.test('the error message includes at most the first 200 characters of the line', async (t) => {
  const bad = 'x'.repeat(200) + 'TAIL' + 'y'.repeat(1000)
  try {
    await collect([bad])
    t.fail('should have thrown')
  } catch (err) {
    const message = (err as Error).message
    t.ok(message.includes('x'.repeat(200)), 'first 200 chars present')
    t.notOk(message.includes('TAIL'), 'char 201 onwards absent')
    t.ok(message.length < 300, 'message length bounded')
    t.equal((err as NdjsonParseError).excerpt, 'x'.repeat(200))
  }
})

t.test('values before the bad line are still yielded, from the same buffer too', async (t) => {
  const seen: unknown[][] = []
  await t.rejects(async () => {
    for await (const batch of decodeNdjson(fromArray([enc.encode('1\n'), enc.encode('2\nbad\n3\n')]))) seen.push(batch)
  }, NdjsonParseError)
  t.same(seen, [[1], [2]])
})

t.test('yields one batch per buffer, as soon as the buffer completes a line', async (t) => {
  t.same(await batches(['{"a":1}\n{"a":2}\n{"a"', ':3}\n', '\n', '{"a":4}\r\n']), [[{ a: 1 }, { a: 2 }], [{ a: 3 }], [{ a: 4 }]])
})

t.test('a last line without a newline is parsed at the end of the stream', async (t) => {
  t.same(await batches(['{"a":1}\n{"done":', 'true}']), [[{ a: 1 }], [{ done: true }]])
})

t.test('a line split inside a multi-byte character is parsed whole', async (t) => {
  const bytes = enc.encode('{"c":"你好"}\n')
  const out: unknown[] = []
  for await (const batch of decodeNdjson(fromArray([bytes.subarray(0, 8), bytes.subarray(8)]))) out.push(...batch)
  t.same(out, [{ c: '你好' }])
})
