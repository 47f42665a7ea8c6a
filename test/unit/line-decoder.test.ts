import t from 'tap'
import { LineDecoder } from '../../src/streaming/line-decoder.js'

const enc = new TextEncoder()

/** Feeds each chunk through one decoder, then flushes; returns every line. */
function decodeChunks (chunks: (string | Uint8Array)[], flush = true): string[] {
  const decoder = new LineDecoder()
  const lines: string[] = []
  for (const chunk of chunks) {
    lines.push(...decoder.decode(typeof chunk === 'string' ? enc.encode(chunk) : chunk))
  }
  if (flush) lines.push(...decoder.flush())
  return lines
}

/** Splits bytes into single-byte chunks. */
function byteByByte (text: string): Uint8Array[] {
  return Array.from(enc.encode(text), (b) => Uint8Array.of(b))
}

t.test('splits a single chunk on LF and omits the terminators', async (t) => {
  t.same(decodeChunks(['foo\nbar\n'], false), ['foo', 'bar'])
})

t.test('treats LF, CR and CRLF each as one line terminator', async (t) => {
  t.same(decodeChunks(['a\nb\rc\r\nd\n'], false), ['a', 'b', 'c', 'd'])
})

t.test('keeps empty lines between consecutive terminators', async (t) => {
  t.same(decodeChunks(['a\n\nb\r\n\r\nc\r\rd\n'], false), ['a', '', 'b', '', 'c', '', 'd'])
})

t.test('joins a line split across chunks mid-line', async (t) => {
  t.same(decodeChunks(['fo', 'o\nba', 'r', '\n'], false), ['foo', 'bar'])
})

t.test('does not emit a line until its terminator arrives', async (t) => {
  const decoder = new LineDecoder()
  t.same(decoder.decode(enc.encode('data: {"a"')), [])
  t.same(decoder.decode(enc.encode(':1}')), [])
  t.same(decoder.decode(enc.encode('\n')), ['data: {"a":1}'])
})

t.test('counts a CRLF split across two chunks as one terminator', async (t) => {
  t.same(decodeChunks(['foo\r', '\nbar\r', '\n'], false), ['foo', 'bar'])
})

t.test('emits the line as soon as a chunk ends with CR', async (t) => {
  const decoder = new LineDecoder()
  t.same(decoder.decode(enc.encode('foo\r')), ['foo'])
  t.same(decoder.decode(enc.encode('\nbar\n')), ['bar'])
})

t.test('still treats a CR at a chunk end followed by another CR as two terminators', async (t) => {
  t.same(decodeChunks(['foo\r', '\rbar\n'], false), ['foo', '', 'bar'])
})

t.test('only swallows one LF after a CR that ended a chunk', async (t) => {
  t.same(decodeChunks(['foo\r', '\n\nbar\n'], false), ['foo', '', 'bar'])
})

t.test('keeps the split-CRLF state across an empty chunk', async (t) => {
  t.same(decodeChunks(['foo\r', new Uint8Array(0), '\nbar\n'], false), ['foo', 'bar'])
})

t.test('keeps the split-CRLF state across a chunk holding only part of a UTF-8 character', async (t) => {
  const bytes = enc.encode('\n你\n')
  // bytes[0] is the LF, bytes[1..3] the three bytes of 你.
  t.same(
    decodeChunks(['a\r', bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)], false),
    ['a', '你']
  )
})

t.test('handles CR-only line endings', async (t) => {
  t.same(decodeChunks(['a\rb\r', 'c\r'], false), ['a', 'b', 'c'])
})

t.test('decodes CRLF streams split byte by byte without empty lines', async (t) => {
  t.same(decodeChunks(byteByByte('data: 1\r\n\r\ndata: 2\r\n'), false), ['data: 1', '', 'data: 2'])
})

t.test('decodes Chinese characters split byte by byte', async (t) => {
  t.same(decodeChunks(byteByByte('你好\n世界\n'), false), ['你好', '世界'])
})

t.test('decodes an emoji (4-byte UTF-8 sequence) split byte by byte', async (t) => {
  t.same(decodeChunks(byteByByte('hi 🚀👍\n'), false), ['hi 🚀👍'])
})

t.test('decodes a multi-byte character split across a chunk boundary mid-line', async (t) => {
  const bytes = enc.encode('ab你好\n')
  // split inside the first character's 3 bytes (offsets 2..4)
  t.same(decodeChunks([bytes.subarray(0, 3), bytes.subarray(3)], false), ['ab你好'])
})

t.test('flush returns the trailing partial line', async (t) => {
  const decoder = new LineDecoder()
  t.same(decoder.decode(enc.encode('foo\nbar')), ['foo'])
  t.same(decoder.flush(), ['bar'])
})

t.test('flush returns nothing when the input ended with a terminator', async (t) => {
  const decoder = new LineDecoder()
  t.same(decoder.decode(enc.encode('foo\n')), ['foo'])
  t.same(decoder.flush(), [])
})

t.test('flush returns nothing after a trailing CR', async (t) => {
  const decoder = new LineDecoder()
  t.same(decoder.decode(enc.encode('foo\r')), ['foo'])
  t.same(decoder.flush(), [])
})

t.test('flush turns a truncated UTF-8 sequence into a replacement character', async (t) => {
  const decoder = new LineDecoder()
  t.same(decoder.decode(enc.encode('ok')), [])
  t.same(decoder.decode(enc.encode('好').subarray(0, 2)), [])
  t.same(decoder.flush(), ['ok\uFFFD'])
})

t.test('flush resets the decoder for reuse', async (t) => {
  const decoder = new LineDecoder()
  decoder.decode(enc.encode('old\r'))
  decoder.flush()
  t.same(decoder.decode(enc.encode('\nnew\n')), ['', 'new'])
})

t.test('a line spread over many chunks is reassembled exactly once', async (t) => {
  const long = 'x'.repeat(10_000)
  const chunks: string[] = []
  for (let i = 0; i < long.length; i += 7) chunks.push(long.slice(i, i + 7))
  chunks.push('\nend\n')
  t.same(decodeChunks(chunks, false), [long, 'end'])
})

t.test('every split point of a mixed-terminator stream yields the same lines', async (t) => {
  const text = 'a\r\nb\rc\n\r\n你好\r🚀\nlast'
  const bytes = enc.encode(text)
  const expected = ['a', 'b', 'c', '', '你好', '🚀', 'last']
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j++) {
      const got = decodeChunks([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)])
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        t.same(got, expected, `split at ${i},${j}`)
        return
      }
    }
  }
  t.pass('all split points agree')
})

t.test('lines come out with the chunk that completes them, the trailing partial line at flush', async (t) => {
  const bytes = enc.encode('one\r\ntwo\r\n你好\nrest')
  const decoder = new LineDecoder()
  t.same(decoder.decode(bytes.subarray(0, 4)), ['one'], 'CR ends the line at once')
  t.same(decoder.decode(bytes.subarray(4, 11)), ['two'], 'the LF of the split CRLF is swallowed')
  t.same(decoder.decode(bytes.subarray(11, 13)), [], 'a character split across chunks completes no line by itself')
  t.same(decoder.decode(bytes.subarray(13)), ['你好'])
  t.same(decoder.flush(), ['rest'])
})
