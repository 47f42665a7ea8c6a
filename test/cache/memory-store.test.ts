import t from 'tap'
import { CachedVector } from '../../src/embeddings/cached-vector.js'
import { MemoryVectorStore } from '../../src/embeddings/memory-store.js'
import { ENTRY_OVERHEAD } from '../../src/embeddings/tier-entry.js'
import { VectorTier } from '../../src/embeddings/vector-tier.js'

const DIMS = 1536
const MAX = 2 * 1024 * 1024

/** Every Buffer an entry serves: none may share memory with what it was stored from. */
function buffersOf (entry: CachedVector): Buffer[] {
  return [entry.bytes, entry.json('float'), entry.json('base64')]
}

t.test('the in-process store stays within maxBytes by its real cost, and keeps no source memory alive', async (t) => {
  const store = new MemoryVectorStore(MAX)
  // One big upstream-sized chunk, vectors sliced out of it (as from a socket read or Redis reply).
  const chunk = Buffer.alloc(DIMS * 4 * 64)
  for (let i = 0; i < chunk.length; i += 4) chunk.writeFloatLE(Math.sin(i) / 40, i)
  const keys: string[] = []
  for (let i = 0; i < 2000; i++) { // ≈ 12 MB of vectors alone, 6× the bound
    const key = `emb:v1:ns:${i}`
    keys.push(key)
    const at = (i % 64) * DIMS * 4
    await store.setMany([[key, chunk.subarray(at, at + DIMS * 4)]], 60_000)
    const [entry] = await store.getMany([key])
    if (!(entry instanceof CachedVector)) t.fail(`entry ${i} not found right after storing it`)
    else buffersOf(entry) // a float and a base64 answer were asked for
    if (store.sizeBytes > MAX) t.fail(`over the bound after entry ${i}: ${store.sizeBytes}`)
  }
  const kept = (await store.getMany(keys)).filter((e): e is CachedVector => e instanceof CachedVector)
  const perEntry = ENTRY_OVERHEAD + DIMS * 4 + kept[0]!.json('float').length + kept[0]!.json('base64').length
  t.ok(kept.length > 0 && kept.length <= Math.floor(MAX / perEntry), `${kept.length} entries kept, each ≥ ${perEntry} bytes`)
  t.ok(store.sizeBytes <= MAX, `holds ${store.sizeBytes} of ${MAX} bytes`)
  t.ok(store.sizeBytes >= kept.length * perEntry, 'the count covers every kept entry, encodings included')
  // Slack: under two 64 KB chunks of free slots in each of the three slabs (vectors, float, base64).
  t.ok(store.tier.residentBytes <= MAX + 3 * 2 * (64 << 10), `the slabs hold ${store.tier.residentBytes} bytes`)
  for (const entry of kept) {
    for (const buffer of buffersOf(entry)) {
      if (buffer.buffer === chunk.buffer) t.fail('a stored value is a view of the chunk it was read from')
    }
  }
  t.equal(kept.at(-1), (await store.getMany([keys.at(-1) as string]))[0], 'the newest entry is kept')
  t.equal((await store.getMany([keys[0] as string]))[0], null, 'the oldest went first')
})

t.test('an encoding added to a kept entry counts against the bound, and may push older entries out', async (t) => {
  const tier = new VectorTier(3 * (ENTRY_OVERHEAD + 4096 + 64) + 1000)
  const vector = (): CachedVector => CachedVector.of(Buffer.alloc(4096), Date.now() + 60_000) // float answer: 2 KB
  for (const key of ['a', 'b', 'c']) tier.set(key, vector())
  t.equal(tier.size, 3)
  tier.get('c', Date.now())?.json('float')
  t.ok(tier.sizeBytes <= tier.maxBytes, `${tier.sizeBytes} ≤ ${tier.maxBytes}`)
  t.equal(tier.get('a', Date.now()), undefined, 'the least recently used made room')
  t.ok(tier.get('c', Date.now()) !== undefined, 'the entry just used is kept')
})

t.test('entries expire at their own time', async (t) => {
  const tier = new VectorTier(1 << 20)
  tier.set('short', CachedVector.of(Buffer.alloc(16), Date.now() + 50))
  t.ok(tier.get('short', Date.now()) !== undefined)
  t.equal(tier.get('short', Date.now() + 51), undefined)
  t.equal(tier.sizeBytes, 0, 'an expired entry found is dropped and uncounted')
})
