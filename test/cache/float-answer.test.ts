import t from 'tap'
import { startFakeOllama } from '../fixtures/fake-upstreams/index.js'
import { startRedis } from '../fixtures/redis-server.js'
import { build, listen, openai, providersFor } from '../helper.js'
import { cacheKey, keyNamespace } from '../../src/embeddings/cache-key.js'

/** float32 values no short decimal spells exactly: random bit patterns of unit-vector-sized numbers, plus edges. */
function awkwardVector (dimensions: number): Float32Array {
  const values = new Float32Array(dimensions)
  let x = 0x2545f491
  for (let i = 0; i < dimensions; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    values[i] = ((x >>> 0) / 2 ** 32 - 0.5) / 8
  }
  values.set([-0, 2 ** -149, 1e-7, -3.4028234663852886e38, 0.1], 0)
  return values
}

for (const store of ['memory', 'redis'] as const) {
  t.test(`${store} store: a cached vector comes back bit for bit through openai-node with encoding_format float`, async (t) => {
    const redis = store === 'redis' ? await startRedis(t) : undefined
    const ollama = await startFakeOllama()
    t.teardown(async () => { await ollama.close() })
    const app = await build(t, {
      providers: providersFor({ ollama }),
      cache: { embeddings: { timeout: '500ms' } },
      ...(redis !== undefined ? { redis: { url: redis.url, keyPrefix: `test:${process.pid}:float:` } } : {})
    })
    const stored = awkwardVector(1536)
    const namespace = keyNamespace('team:default', { providerType: 'ollama', baseUrl: ollama.baseUrl, model: 'nomic-embed-text', dimensions: undefined })
    await app.embeddingCache?.store.setMany([[cacheKey(namespace, 'stored'), Buffer.from(stored.buffer)]], 60_000)

    const client = openai(await listen(app))
    for (const round of ['first hit', 'second hit (encoded answer reused)']) {
      const { data: answer, response } = await client.embeddings.create({ model: 'ollama/nomic-embed-text', input: 'stored', encoding_format: 'float' }).withResponse()
      t.equal(response.headers.get('x-qiao-cache'), 'hit', round)
      const got = new Uint32Array(Float32Array.from(answer.data[0]?.embedding ?? []).buffer)
      t.same(Array.from(got), Array.from(new Uint32Array(stored.buffer)), `${round}: the same float32 bits as stored`)
    }
    t.equal(ollama.requests.length, 0, 'nothing went upstream')
  })
}
