// Embedding answers read from their bytes give exactly the float32 values JSON.parse and a float32 rounding
// give, for every way a backend prints its numbers, and reject what JSON.parse rejects.
import t from 'tap'
import { parseJsonWithVectors } from '../../src/upstream/vector-json.js'

const f32 = (values: number[]): Float32Array => Float32Array.from(values)

/** Numbers printed the ways backends print them: shortest float32, doubles, exponents of each style. */
function printed (seed: number, count: number): string[] {
  let x = seed | 1
  const next = (): number => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32 }
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const v = (next() - 0.5) * 10 ** Math.floor(next() * 12 - 9)
    const styles = [String(Math.fround(v)), String(v), v.toExponential(), v.toExponential(7).replace('e', 'E'), v.toPrecision(9), v.toFixed(12), `${Math.fround(v)}`.replace(/e-(\d)$/, 'e-0$1')]
    out.push(styles[i % styles.length] as string)
  }
  return out
}

t.test('every number reads as JSON.parse reads it, rounded to float32', async (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const texts = printed(seed, 1536)
    const body = Buffer.from(`{"embeddings":[[${texts.join(',')}],[${texts.slice().reverse().join(', ')}]],"prompt_eval_count":3}`)
    const expected = JSON.parse(body.toString()) as { embeddings: number[][] }
    const read = parseJsonWithVectors(body) as { embeddings: Float32Array[], prompt_eval_count: number }
    t.ok(read.embeddings[0] instanceof Float32Array, 'a vector is a Float32Array')
    t.same([...read.embeddings[0] as Float32Array], [...f32(expected.embeddings[0] as number[])], `seed ${seed}: bit for bit`)
    t.same([...read.embeddings[1] as Float32Array], [...f32(expected.embeddings[1] as number[])])
    t.equal(read.prompt_eval_count, 3, 'the rest of the answer as JSON.parse gives it')
  }
})

t.test('edge values: zeros and their signs, huge and tiny exponents, long mantissas, integers', async (t) => {
  const texts = ['0', '-0', '0.0', '-0.0', '1', '-1', '1e0', '1E+2', '1e-45', '1e-50', '3.4028235e38', '3.5e38', '1e400', '-1e400',
    '0.1234567890123456789012', '12345678901234567890', '0.000000000000000000000000000000000001', '5e-324', '2.5', '-2.5e-3', '7']
  const body = Buffer.from(`{"data":[{"embedding":[${texts.join(',')}]}]}`)
  const expected = (JSON.parse(body.toString()) as { data: Array<{ embedding: number[] }> }).data[0]?.embedding as number[]
  const read = (parseJsonWithVectors(body) as { data: Array<{ embedding: Float32Array }> }).data[0]?.embedding as Float32Array
  t.equal(read.length, texts.length)
  texts.forEach((text, i) => { t.ok(Object.is(read[i], Math.fround(expected[i] as number)), `${text} → ${read[i]}`) })
})

t.test('only arrays of 16 or more numbers outside strings become vectors; the rest is JSON.parse\'s', async (t) => {
  const sixteen = Array.from({ length: 16 }, (_v, i) => i / 8)
  const text = `\n\n {"note":"a [1,2,3] and \\"[${sixteen.join(',')}]\\" in a string","short":[1,2,3],"mixed":[${sixteen.join(',')},"x"],` +
    `"nested":[[${sixteen.join(',')}]],"empty":[],"名前":"模型","vec":[ ${sixteen.join(' ,\n ')} ]}`
  const read = parseJsonWithVectors(Buffer.from(text)) as Record<string, unknown>
  const expected = JSON.parse(text) as Record<string, unknown>
  t.equal(read['note'], expected['note'], 'brackets and escaped quotes inside strings are text')
  t.same(read['short'], [1, 2, 3])
  t.ok(Array.isArray(read['short']), 'a short array stays an array')
  t.same(read['mixed'], expected['mixed'], 'an array that is not all numbers stays as it is')
  t.ok((read['nested'] as unknown[])[0] instanceof Float32Array, 'a vector inside a list of vectors')
  t.same(read['empty'], [])
  t.equal(read['名前'], '模型', 'text around the vectors keeps its UTF-8')
  t.same([...read['vec'] as Float32Array], sixteen, 'white space and new lines between numbers')
})

t.test('what is not JSON is refused as JSON.parse refuses it', async (t) => {
  const ones = Array.from({ length: 16 }, () => '1').join(',')
  for (const bad of [`{"v":[01,${ones}]}`, `{"v":[1.,${ones}]}`, `{"v":[${ones},]}`, `{"v":[-,${ones}]}`, `{"v":[${ones}],}`, `{"v":[1e,${ones}]}`, `{"v":[${ones}]`, '{"v":[.5]}', `{"v":[+1,${ones}]}`]) {
    t.throws(() => parseJsonWithVectors(Buffer.from(bad)), SyntaxError, bad)
  }
})
