import t, { type Test } from 'tap'
import { float32ArrayJson } from '../../src/embeddings/float32-json.js'

/** xorshift32: reproducible bit patterns. */
function patterns (count: number, seed: number): Uint32Array {
  const out = new Uint32Array(count)
  let x = seed
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    out[i] = x >>> 0
  }
  return out
}

const finite = (bits: Uint32Array): Float32Array => new Float32Array(bits.buffer).filter(Number.isFinite)
const print = (values: Float32Array): string => float32ArrayJson(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).toString('latin1')

/** The printed array, read back the way a JSON client reads it, as float32 bit patterns. */
function readBack (values: Float32Array): Uint32Array {
  return new Uint32Array(Float32Array.from(JSON.parse(print(values)) as number[]).buffer)
}

function sameBits (t: Test, values: Float32Array): void {
  const want = new Uint32Array(values.buffer, values.byteOffset, values.length)
  const got = readBack(values)
  let wrong = 0
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      if (wrong++ < 5) t.fail(`${values[i] as number} (0x${(want[i] as number).toString(16)}) read back as 0x${(got[i] ?? 0).toString(16)}`)
    }
  }
  t.equal(wrong, 0, `${want.length} values read back bit for bit`)
}

/** Brute force: the fewest significant digits p such that some p-digit decimal reads back as `value`. */
function shortestDigits (value: number): number {
  for (let p = 1; p <= 9; p++) {
    const [mantissa = '', exponent = '0'] = Math.abs(value).toPrecision(p).split('e')
    const m = Number(mantissa.replace('.', ''))
    const e = Number(exponent) - (mantissa.includes('.') ? mantissa.length - mantissa.indexOf('.') - 1 : 0)
    for (const candidate of [m - 1, m, m + 1]) {
      if (candidate > 0 && Math.fround(Number(`${candidate}e${e}`)) === Math.abs(value)) return p
    }
  }
  return 10
}

/** Significant digits of a printed number (an integer's trailing zeros are not). */
const significant = (text: string): number => text.replace(/^-/, '').split('e')[0]?.replace('.', '').replace(/^0+|0+$/g, '').length ?? 0

t.test('random float32 bit patterns read back bit for bit', async (t) => {
  sameBits(t, finite(patterns(400_000, 0x9e3779b9)))
})

t.test('edge values read back bit for bit', async (t) => {
  const edges: number[] = [0, 1, -1, 0.1, 1e-7, 1e-6, 1e21, 1e22, 1e23, 3.4028234663852886e38, -3.4028234663852886e38]
  for (let e = -149; e <= 127; e++) edges.push(2 ** e, -(2 ** e), Math.fround(2 ** e * 1.5)) // powers of two and between
  for (let e = -45; e <= 38; e++) edges.push(Math.fround(10 ** e), Math.fround(-(10 ** e)))
  const subnormals = new Uint32Array(20_000).map((_, i) => i + 1) // the smallest subnormals
  const nearMaxSubnormal = new Uint32Array(20_000).map((_, i) => 0x7fffff - i)
  const aroundOne = new Uint32Array(40_000).map((_, i) => 0x3f800000 - 20_000 + i)
  sameBits(t, new Float32Array(edges))
  sameBits(t, new Float32Array(subnormals.buffer))
  sameBits(t, new Float32Array(nearMaxSubnormal.buffer))
  sameBits(t, new Float32Array(aroundOne.buffer))
})

t.test('no shorter decimal would read back (brute force on a sample)', async (t) => {
  const sample = finite(patterns(30_000, 12345))
  const printed = print(sample).slice(1, -1).split(',')
  let longer = 0
  sample.forEach((value, i) => {
    const want = value === 0 ? 1 : shortestDigits(value)
    const got = significant(printed[i] ?? '')
    if (got !== want && longer++ < 5) t.fail(`${value}: printed ${printed[i] ?? ''} (${got} digits), shortest has ${want}`)
  })
  t.equal(longer, 0)
})

t.test('zeros, non-finite values and formats', async (t) => {
  t.equal(print(new Float32Array([0, -0])), '[0,-0.0]', '-0 keeps its sign, as a float for parsers that make ints of "-0"')
  t.ok(Object.is(JSON.parse(print(new Float32Array([-0])))[0], -0))
  t.equal(print(new Float32Array([NaN, Infinity, -Infinity, 1])), '[null,null,null,1]', 'no JSON number exists: null, as JSON.stringify writes')
  t.equal(print(new Float32Array([])), '[]')
  t.equal(print(new Float32Array([0.1, -2.5, 100, 1e-7, 1.5e-5, 123456792])), '[0.1,-2.5,100,1e-7,1.5e-5,123456790]')
  t.equal(print(new Float32Array([2 ** -149, 3.4028234663852886e38])), '[1e-45,3.4028235e38]')
})

t.test('a realistic embedding prints shorter than JSON.stringify of its float32 values', async (t) => {
  const values = new Float32Array(1536)
  const bits = patterns(values.length * 2, 777)
  for (let i = 0; i < values.length; i++) {
    // Box-Muller: normal values around 0 with sd 1/sqrt(1536), like OpenAI's unit-length embeddings.
    const u = ((bits[2 * i] as number) + 1) / 2 ** 32
    const v = (bits[2 * i + 1] as number) / 2 ** 32
    values[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) / Math.sqrt(1536)
  }
  const ours = print(values)
  const doubles = JSON.stringify(Array.from(values))
  t.ok(ours.length < doubles.length * 0.65, `${ours.length} bytes vs ${doubles.length}`)
  // What a backend printing float32 values its own way sends (9 significant digits at most, plain form).
  const backend = `[${Array.from(values, (v) => String(Number(v.toPrecision(9)))).join(',')}]`
  t.ok(ours.length <= backend.length, `${ours.length} bytes vs ${backend.length} at 9 significant digits`)
  sameBits(t, values)
})
