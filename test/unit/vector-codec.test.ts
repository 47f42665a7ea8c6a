import t from 'tap'
import {
  base64ToVector,
  bufferToVector,
  vectorToBase64,
  vectorToBuffer,
} from '../../src/embeddings/vector-codec.js'

const KNOWN = [1, -2, 0.5]
const KNOWN_HEX = '0000803f000000c00000003f'
const KNOWN_BASE64 = Buffer.from(KNOWN_HEX, 'hex').toString('base64') // 'AACAPwAAAMAAAAA/'

t.test('encodes [1, -2, 0.5] as little-endian float32 bytes', async (t) => {
  const buf = vectorToBuffer(KNOWN)
  t.ok(Buffer.isBuffer(buf))
  t.equal(buf.toString('hex'), KNOWN_HEX)
})

t.test('decodes known little-endian float32 bytes', async (t) => {
  t.same(bufferToVector(Buffer.from(KNOWN_HEX, 'hex')), KNOWN)
})

t.test('base64 of [1, -2, 0.5] matches the known value', async (t) => {
  t.equal(KNOWN_BASE64, 'AACAPwAAAMAAAAA/')
  t.equal(vectorToBase64(KNOWN), 'AACAPwAAAMAAAAA/')
})

t.test('decodes the known base64 value', async (t) => {
  t.same(base64ToVector('AACAPwAAAMAAAAA/'), KNOWN)
})

t.test('a vector survives a buffer round trip at float32 precision', async (t) => {
  const v = Array.from({ length: 1536 }, (_, i) => Math.sin(i) * 0.1)
  const back = bufferToVector(vectorToBuffer(v))
  t.equal(back.length, v.length)
  t.same(back, Array.from(Float32Array.from(v)))
  t.not(back[1], v[1], 'values are rounded to float32, not kept as float64')
})

t.test('a vector survives a base64 round trip', async (t) => {
  const v = Float32Array.from([0, -0, 3.25, -1e-8, 65504, Infinity, -Infinity])
  const back = base64ToVector(vectorToBase64(v))
  t.same(back, Array.from(v))
  t.ok(Object.is(back[1], -0), 'negative zero preserved')
})

t.test('NaN round-trips as NaN', async (t) => {
  const back = bufferToVector(vectorToBuffer([NaN]))
  t.ok(Number.isNaN(back[0]))
})

t.test('accepts typed arrays as input', async (t) => {
  t.equal(vectorToBuffer(new Float64Array(KNOWN)).toString('hex'), KNOWN_HEX)
})

t.test('empty vectors encode to empty bytes and back', async (t) => {
  t.equal(vectorToBuffer([]).length, 0)
  t.equal(vectorToBase64([]), '')
  t.same(base64ToVector(''), [])
})

t.test('decoding respects the byteOffset of a slice of a larger buffer', async (t) => {
  for (const offset of [1, 2, 3, 4, 5, 8]) {
    const big = Buffer.alloc(offset + 12 + 7, 0xff)
    Buffer.from(KNOWN_HEX, 'hex').copy(big, offset)
    const slice = big.subarray(offset, offset + 12)
    t.equal(slice.byteOffset, big.byteOffset + offset)
    t.same(bufferToVector(slice), KNOWN, `offset ${offset}`)
  }
})

t.test('decoding respects the byteOffset of small pooled Buffers', async (t) => {
  // Small Buffer.from() results are slices of a shared pool; retry in the rare case
  // this allocation started a fresh pool at offset 0.
  let pooled = Buffer.from(KNOWN_HEX, 'hex')
  for (let i = 0; i < 3 && pooled.byteOffset === 0; i++) pooled = Buffer.from(KNOWN_HEX, 'hex')
  t.ok(pooled.buffer.byteLength > pooled.length, 'buffer is a view into a larger pool')
  t.not(pooled.byteOffset, 0, 'pool slice has a non-zero byteOffset')
  t.same(bufferToVector(pooled), KNOWN)
})

t.test('decoding accepts a plain Uint8Array view with an offset', async (t) => {
  const backing = new Uint8Array(16)
  backing.set(Buffer.from(KNOWN_HEX, 'hex'), 2)
  t.same(bufferToVector(backing.subarray(2, 14)), KNOWN)
})

t.test('rejects byte lengths that are not a multiple of 4', async (t) => {
  for (const n of [1, 2, 3, 5, 13]) {
    t.throws(
      () => bufferToVector(new Uint8Array(n)),
      { name: 'RangeError', message: /multiple of 4, got \d+/ },
      `length ${n}`
    )
  }
  t.throws(
    () => base64ToVector('AACAPwA='),
    { name: 'RangeError', message: 'float32 vector byte length must be a multiple of 4, got 5' },
    'base64 of 5 bytes'
  )
})
