import t from 'tap'
import { CachedEmbedder } from '../../src/embeddings/cached-embedder.js'
import { EmbeddingCache } from '../../src/embeddings/embedding-cache.js'
import { MemoryVectorStore } from '../../src/embeddings/memory-store.js'
import type { VectorStore } from '../../src/embeddings/store.js'
import type { EmbeddingItem } from '../../src/embeddings/normalize-input.js'
import { bufferToVector } from '../../src/embeddings/vector-codec.js'
import { OutageLog, type OutageReporter } from '../../src/redis-outage.js'

const quiet: OutageReporter = { failed: () => {}, ok: () => {} }

function embedderWith (store: VectorStore, outage: OutageReporter = quiet) {
  const cache = new EmbeddingCache(store, { ttlMs: 60_000, timeoutMs: 100, cooldownMs: 200, outage })
  return { cache, embedder: new CachedEmbedder(cache) }
}

const vectorFor = (item: EmbeddingItem) => [String(item).length, 1]

t.test('concurrent misses for the same input on one instance go upstream once', async (t) => {
  const { embedder } = embedderWith(new MemoryVectorStore(1 << 20))
  const upstreamCalls: EmbeddingItem[][] = []
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  const fetch = async (items: EmbeddingItem[]) => {
    upstreamCalls.push(items)
    await gate
    return { vectors: items.map(vectorFor), usage: { prompt_tokens: items.length, total_tokens: items.length } }
  }
  const request = (items: string[]) => embedder.embed({ items, namespace: 'ns', mode: 'default', dimensions: undefined, fetch })
  const first = request(['shared', 'own-1'])
  await new Promise((resolve) => setImmediate(resolve))
  const second = request(['shared', 'own-2'])
  await new Promise((resolve) => setImmediate(resolve))
  release()
  const [a, b] = await Promise.all([first, second])
  t.same(upstreamCalls, [['shared', 'own-1'], ['own-2']], '"shared" was fetched once')
  t.same(bufferToVector(b.vectors[0]?.bytes ?? Buffer.alloc(0)), vectorFor('shared'))
  t.equal(b.promptTokens, 1, 'the joining request pays only for what it sent')
  t.equal(a.promptTokens, 2)
})

t.test('an upstream failure reaches every request waiting on it and caches nothing', async (t) => {
  const store = new MemoryVectorStore(1 << 20)
  const { embedder } = embedderWith(store)
  const failing = async () => { throw new Error('upstream down') }
  await t.rejects(embedder.embed({ items: ['x'], namespace: 'ns', mode: 'default', dimensions: undefined, fetch: failing }), /upstream down/)
  t.equal(store.sizeBytes, 0)
})

t.test('the in-memory store stays within its byte bound, dropping the least recently used', async (t) => {
  const store = new MemoryVectorStore(4000)
  const entries: Array<[string, Buffer]> = Array.from({ length: 10 }, (_, i) => [`k${i}`, Buffer.alloc(400)])
  await store.setMany(entries, 60_000)
  t.ok(store.sizeBytes <= 4000, `holds ${store.sizeBytes} bytes`)
  const found = await store.getMany(entries.map(([key]) => key))
  t.equal(found[0], null, 'the oldest entry was evicted')
  t.not(found[9], null, 'the newest entry is kept')
})

t.test('a store that hangs is bypassed after the bounded wait, and one warning is logged per outage', async (t) => {
  const warnings: string[] = []
  const hanging: VectorStore = { kind: 'redis', getMany: async () => await new Promise(() => {}), setMany: async () => await new Promise(() => {}) }
  const { cache } = embedderWith(hanging, new OutageLog({ warn: (_o: object, msg: string) => { warnings.push(msg) }, info: () => {} }))
  t.same(await cache.getMany(['a', 'b']), [null, null])
  t.same(await cache.getMany(['a']), [null], 'the circuit is open: answered without waiting')
  t.equal(cache.stats.bypassed, 1)
  t.same(warnings, ['redis unavailable: no answer from the redis store within 100 ms'], 'one warning naming the cause')
  t.equal(cache.healthy, false)
})

t.test('a request sharing the upstream call of another request still succeeds when that call is cancelled', async (t) => {
  const { embedder } = embedderWith(new MemoryVectorStore(1 << 20))
  let calls = 0
  const fetchFor = (cancelled: Promise<void> | undefined) => async (items: EmbeddingItem[]) => {
    calls++
    if (cancelled !== undefined) {
      await cancelled
      throw new Error('the first client went away')
    }
    return { vectors: items.map(vectorFor), usage: { prompt_tokens: items.length, total_tokens: items.length } }
  }
  let cancel!: () => void
  const cancelled = new Promise<void>((resolve) => { cancel = resolve })
  const first = embedder.embed({ items: ['shared'], namespace: 'ns', mode: 'default', dimensions: undefined, fetch: fetchFor(cancelled) })
  await new Promise((resolve) => setImmediate(resolve))
  const second = embedder.embed({ items: ['shared'], namespace: 'ns', mode: 'default', dimensions: undefined, fetch: fetchFor(undefined) })
  await new Promise((resolve) => setImmediate(resolve))
  cancel()
  await t.rejects(first, /went away/)
  const result = await second
  t.same(bufferToVector(result.vectors[0]?.bytes ?? Buffer.alloc(0)), vectorFor('shared'), 'the joiner fetched the input itself')
  t.equal(calls, 2)
})
