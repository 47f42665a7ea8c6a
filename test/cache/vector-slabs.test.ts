import t, { type Test } from 'tap'
import { CachedVector } from '../../src/embeddings/cached-vector.js'
import { float32ArrayJson } from '../../src/embeddings/float32-json.js'
import { VectorTier } from '../../src/embeddings/vector-tier.js'

const DIMS = 1536
const MAX = 2 * 1024 * 1024
const CHUNK = 64 << 10 // the tier's chunk size at this bound
const HOUR = 3_600_000

/** A distinct, reproducible vector per number, as an embedding's values. */
function vectorOf (n: number, dims = DIMS): Buffer {
  const bytes = Buffer.allocUnsafe(dims * 4)
  for (let i = 0; i < dims; i++) bytes.writeFloatLE(Math.sin(n * 7919 + i) / 40, i * 4)
  return bytes
}

const base64Of = (bytes: Buffer): string => `"${bytes.toString('base64')}"`

function same (t: Test, vector: CachedVector | undefined, n: number, label: string, dims = DIMS): void {
  const expected = vectorOf(n, dims)
  if (vector === undefined) return void t.fail(`${label}: not found`)
  t.ok(vector.bytes.equals(expected), `${label}: the stored bytes`)
  t.ok(vector.json('float').equals(float32ArrayJson(expected)), `${label}: the float answer`)
  t.equal(vector.json('base64').toString('latin1'), base64Of(expected), `${label}: the base64 answer`)
}

function fill (tier: VectorTier, from: number, to: number, dims = DIMS): void {
  for (let n = from; n < to; n++) {
    tier.set(`k${n}`, new CachedVector(vectorOf(n, dims), Date.now() + HOUR))
    // Hits on every third entry ask for both answers, so all three slabs fill and churn.
    if (n % 3 === 0) { tier.get(`k${n}`, Date.now())?.json('float'); tier.get(`k${n}`, Date.now())?.json('base64') }
  }
}

t.test('after the store has filled and evicted many times over, hits return exactly what was stored', async (t) => {
  const tier = new VectorTier(MAX)
  fill(tier, 0, 1200)
  await Promise.resolve()
  fill(tier, 1200, 2400)
  const kept = [...Array(2400).keys()].filter((n) => tier.get(`k${n}`, Date.now()) !== undefined)
  t.ok(kept.length > 50 && kept.length < 1000, `${kept.length} of 2400 kept`)
  for (const n of kept.slice(-40)) same(t, tier.get(`k${n}`, Date.now()), n, `k${n}`)
  t.ok(tier.sizeBytes <= MAX, `counts ${tier.sizeBytes} of ${MAX} bytes`)
})

t.test('the slabs stop growing once full: evicted slots are reused, and memory stays near maxBytes', async (t) => {
  const tier = new VectorTier(MAX)
  fill(tier, 0, 800)
  await Promise.resolve()
  const full = tier.residentBytes
  let peak = full
  for (let round = 1; round <= 6; round++) {
    fill(tier, round * 800, (round + 1) * 800)
    await Promise.resolve()
    peak = Math.max(peak, tier.residentBytes)
  }
  t.ok(peak <= full + 3 * CHUNK, `after 6 more fills the slabs hold ${peak} bytes, ${full} when first full`)
  t.ok(peak <= MAX + 3 * 2 * CHUNK, `${peak} bytes against a bound of ${MAX}`)
})

t.test('when the vectors change size (another model), the old slabs give their memory back', async (t) => {
  const tier = new VectorTier(MAX)
  fill(tier, 0, 800)
  await Promise.resolve()
  fill(tier, 10_000, 12_000, 768)
  await Promise.resolve()
  t.equal(tier.get('k799', Date.now()), undefined, 'the 1536-dim entries are gone')
  same(t, tier.get('k11999', Date.now()), 11999, 'a 768-dim entry', 768)
  // Each of the six slabs (three per size) keeps at most two chunks of free slots.
  t.ok(tier.residentBytes <= MAX + 6 * 2 * CHUNK, `the slabs hold ${tier.residentBytes} bytes against a bound of ${MAX}`)
})

t.test('a vector a request holds keeps its bytes after its entry is evicted and its slots reused', async (t) => {
  const tier = new VectorTier(MAX)
  fill(tier, 0, 10)
  const held = tier.get('k5', Date.now())
  held?.json('float')
  await Promise.resolve() // as across an upstream call: the request still holds it, the tier moves on
  fill(tier, 10, 1500)
  await Promise.resolve()
  t.equal(tier.get('k5', Date.now()), undefined, 'evicted')
  same(t, held, 5, 'the held vector')
})

t.test('an answer handed out is not overwritten by inserts before the reply has copied it', async (t) => {
  const tier = new VectorTier(MAX)
  fill(tier, 0, 60)
  await Promise.resolve()
  const answer = tier.get('k0', Date.now())?.json('base64')
  t.ok(answer !== undefined, 'k0 is cached')
  fill(tier, 60, 400) // in the same job as the reply being assembled: k0 is evicted and its slot freed
  t.equal(tier.get('k0', Date.now()), undefined, 'evicted')
  t.equal(answer?.toString('latin1'), base64Of(vectorOf(0)), 'the answer still holds k0')
})

t.test('expired entries are not served, and stop counting', async (t) => {
  const tier = new VectorTier(MAX)
  tier.set('soon', new CachedVector(vectorOf(1), Date.now() + 20))
  tier.set('later', new CachedVector(vectorOf(2), Date.now() + HOUR))
  const before = tier.sizeBytes
  t.equal(tier.get('soon', Date.now() + 21), undefined)
  t.ok(tier.sizeBytes < before, 'no longer counted')
  same(t, tier.get('later', Date.now() + 21), 2, 'the other entry')
})
