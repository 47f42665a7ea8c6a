import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { setTimeout as sleep } from 'node:timers/promises'
import { build, listen, openai, providersFor, type Teardown } from '../helper.js'
import { fakeVector, startFakeOllama, startFakeZhipu, type FakeUpstream } from '../fixtures/fake-upstreams/index.js'
import { startRedis } from '../fixtures/redis-server.js'
import { keyNamespace, cacheKey } from '../../src/embeddings/cache-key.js'
import { base64ToVector } from '../../src/embeddings/vector-codec.js'
import type { ConfigInput } from '../../src/config/schema.js'

const MODEL = 'ollama/nomic-embed-text'

/** A float answer as float32 values: it prints each one as the shortest decimal that reads back as that float32. */
const f32 = (values: number[]): number[] => Array.from(new Float32Array(values))

/** What the fake Ollama was asked to embed, request by request. */
function embedInputs (fake: FakeUpstream): string[][] {
  return fake.requests.filter((r) => r.path === '/api/embed').map((r) => r.body.input as string[])
}

async function embed (app: FastifyInstance, input: string | string[], extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await app.inject({ method: 'POST', url: '/v1/embeddings', headers, payload: { model: MODEL, input, ...extra } })
  return { status: response.statusCode, headers: response.headers, body: response.json() }
}

async function setup (t: Teardown, redisUrl?: string, cache: ConfigInput['cache'] = {}) {
  const ollama = await startFakeOllama()
  t.teardown(async () => { await ollama.close() })
  const input: ConfigInput = {
    providers: providersFor({ ollama }),
    cache: { embeddings: { timeout: '500ms', ...cache.embeddings } },
    ...(redisUrl !== undefined ? { redis: { url: redisUrl, keyPrefix: `test:${process.pid}:${Math.random().toString(36).slice(2)}:` } } : {})
  }
  const app = await build(t, input)
  return { ollama, app, input }
}

for (const store of ['memory', 'redis'] as const) {
  t.test(`${store} store`, async (t) => {
    const redis = store === 'redis' ? await startRedis(t) : undefined

    t.test('a partly cached batch sends only the misses upstream and keeps order and indexes', async (t) => {
      const { app, ollama } = await setup(t, redis?.url)
      const first = await embed(app, ['b', 'd'])
      t.equal(first.headers['x-qiao-cache'], 'miss')
      const second = await embed(app, ['a', 'b', 'c', 'd', 'e'])
      t.same(embedInputs(ollama), [['b', 'd'], ['a', 'c', 'e']], 'upstream saw each text once')
      t.equal(second.headers['x-qiao-cache'], 'partial')
      t.equal(second.headers['x-qiao-cache-hits'], '2/5')
      t.same(second.body.data.map((d: { index: number }) => d.index), [0, 1, 2, 3, 4])
      t.same(second.body.data.map((d: { embedding: number[] }) => f32(d.embedding)), ['a', 'b', 'c', 'd', 'e'].map((text) => fakeVector(text, 4)))
      const third = await embed(app, ['e', 'a'])
      t.equal(third.headers['x-qiao-cache'], 'hit')
      t.equal(third.body.usage.prompt_tokens, 0, 'nothing was sent upstream, nothing is charged')
      t.equal(embedInputs(ollama).length, 2)
    })

    t.test('identical texts in one batch go upstream once and count as sent', async (t) => {
      const { app, ollama } = await setup(t, redis?.url)
      const result = await embed(app, ['same', 'other', 'same', 'same'])
      t.same(embedInputs(ollama), [['same', 'other']])
      t.equal(result.headers['x-qiao-cache-hits'], '0/4')
      t.same(f32(result.body.data[3].embedding), fakeVector('same', 4))
      const again = await embed(app, ['same', 'same'])
      t.equal(again.headers['x-qiao-cache-hits'], '2/2')
    })

    t.test('a request for other dimensions never gets a cached vector of another size', async (t) => {
      const { app, ollama } = await setup(t, redis?.url)
      await embed(app, ['text'], { dimensions: 2 })
      const wider = await embed(app, ['text'], { dimensions: 3 })
      t.equal(wider.headers['x-qiao-cache'], 'miss')
      t.same(f32(wider.body.data[0].embedding), fakeVector('text', 3))
      t.equal(embedInputs(ollama).length, 2)
      const narrow = await embed(app, ['text'], { dimensions: 2 })
      t.equal(narrow.headers['x-qiao-cache'], 'hit')
      t.same(f32(narrow.body.data[0].embedding), fakeVector('text', 2))
    })

    t.test('float and base64 answers share one entry and carry the same numbers', async (t) => {
      const { app, ollama } = await setup(t, redis?.url)
      const floats = await embed(app, ['shared'], { encoding_format: 'float' })
      const base64 = await embed(app, ['shared'], { encoding_format: 'base64' })
      t.equal(base64.headers['x-qiao-cache'], 'hit')
      t.type(base64.body.data[0].embedding, 'string')
      t.same(base64ToVector(base64.body.data[0].embedding), f32(floats.body.data[0].embedding))
      t.equal(embedInputs(ollama).length, 1)
      // The SDK's default (base64, decoded by the SDK) gives the same vector from the cache.
      const client = openai(await listen(app))
      const viaSdk = await client.embeddings.create({ model: MODEL, input: 'shared' })
      t.same(viaSdk.data[0]?.embedding, fakeVector('shared', 4))
      t.equal(embedInputs(ollama).length, 1)
    })

    t.test('entries expire after the configured ttl', async (t) => {
      const { app, ollama } = await setup(t, redis?.url, { embeddings: { ttl: '300ms' } })
      await embed(app, ['short-lived'])
      t.equal((await embed(app, ['short-lived'])).headers['x-qiao-cache'], 'hit')
      await sleep(450)
      t.equal((await embed(app, ['short-lived'])).headers['x-qiao-cache'], 'miss')
      t.equal(embedInputs(ollama).length, 2)
    })

    t.test('Cache-Control no-cache refreshes, no-store bypasses, only-if-cached never calls upstream', async (t) => {
      const { app, ollama } = await setup(t, redis?.url)
      t.equal((await embed(app, ['x'], {}, { 'cache-control': 'no-store' })).headers['x-qiao-cache'], 'miss')
      t.equal((await embed(app, ['x'])).headers['x-qiao-cache'], 'miss', 'no-store wrote nothing')
      t.equal((await embed(app, ['x'], {}, { 'cache-control': 'no-cache' })).headers['x-qiao-cache'], 'miss', 'no-cache skipped the lookup')
      t.equal(embedInputs(ollama).length, 3)
      const cachedOnly = await embed(app, ['x'], {}, { 'cache-control': 'only-if-cached' })
      t.equal(cachedOnly.headers['x-qiao-cache'], 'hit')
      const missing = await embed(app, ['x', 'never seen'], {}, { 'cache-control': 'only-if-cached' })
      t.equal(missing.status, 504)
      t.match(missing.body, { error: { code: 'cache_miss', type: 'invalid_request_error' } })
      t.equal(embedInputs(ollama).length, 3, 'only-if-cached sent nothing upstream')
    })

    t.test('an upstream error caches nothing', async (t) => {
      const { app, ollama } = await setup(t, redis?.url)
      ollama.enqueue({ kind: 'error', status: 500, body: { error: 'runner crashed' } })
      t.equal((await embed(app, ['fragile'])).status, 502)
      const retry = await embed(app, ['fragile'])
      t.equal(retry.status, 200)
      t.equal(retry.headers['x-qiao-cache'], 'miss')
    })

    t.test('cached inputs are served with the backend down, its circuit open, and no upstream attempt', async (t) => {
      const { app, ollama } = await setup(t, redis?.url)
      t.equal((await embed(app, ['kept', 'also kept'])).status, 200)
      await ollama.close()
      // Unreachable: each new text fails, and enough failures open the circuit for this target.
      for (let i = 0; i < 6; i++) t.equal((await embed(app, [`new ${i}`])).status >= 500, true, `new text ${i} fails`)
      const open = await embed(app, ['never seen'])
      t.equal(open.status, 503)
      t.match(open.body, { error: { message: /circuit open/ } })
      const cached = await embed(app, ['also kept', 'kept'])
      t.equal(cached.status, 200)
      t.equal(cached.headers['x-qiao-cache'], 'hit')
      t.equal(cached.headers['x-qiao-attempts'], '0', 'no upstream attempt was made')
      t.same(cached.body.data.map((d: { embedding: number[] }) => f32(d.embedding)), [fakeVector('also kept', 4), fakeVector('kept', 4)])
    })
  })
}

t.test('two gateway instances share one Redis: what one embedded, the other serves', async (t) => {
  const redis = await startRedis(t)
  const keyPrefix = `test:${process.pid}:shared:`
  const zhipu = await startFakeZhipu()
  t.teardown(async () => { await zhipu.close() })
  const config: ConfigInput = { providers: providersFor({ zhipu }), redis: { url: redis.url, keyPrefix }, cache: { embeddings: { timeout: '500ms' } } }
  const one = await build(t, config)
  const two = await build(t, config)
  const payload = { model: 'zhipu/embedding-3', input: ['alpha', 'beta'], dimensions: 256 }
  await one.inject({ method: 'POST', url: '/v1/embeddings', payload })
  const fromTwo = await two.inject({ method: 'POST', url: '/v1/embeddings', payload })
  t.equal(fromTwo.headers['x-qiao-cache'], 'hit')
  t.same(f32(fromTwo.json().data[1].embedding), fakeVector('beta', 256))
  t.equal(zhipu.requests.filter((r) => r.path.endsWith('/embeddings')).length, 1)
  const client = new Redis(redis.url)
  t.teardown(() => client.disconnect())
  const keys = await client.keys('*')
  t.ok(keys.every((key) => key.startsWith(keyPrefix)), 'every key starts with redis.keyPrefix')
  t.equal(keys.filter((key) => !key.startsWith(`${keyPrefix}migrations:`)).length, 2, 'one entry per text embedded')
})

t.test('a corrupt entry is a miss and gets overwritten', async (t) => {
  const redis = await startRedis(t)
  const { app, ollama, input } = await setup(t, redis.url)
  await embed(app, ['good', 'victim'])
  const namespace = keyNamespace('team:default', { providerType: 'ollama', baseUrl: ollama.baseUrl, model: 'nomic-embed-text', dimensions: undefined })
  const client = new Redis(redis.url, { keyPrefix: input.redis?.keyPrefix ?? '' })
  t.teardown(() => client.disconnect())
  t.equal(await client.exists(cacheKey(namespace, 'victim')), 1, 'the test computes the real key')
  await client.set(cacheKey(namespace, 'victim'), Buffer.from([1, 2, 3]))
  // Another instance: this one keeps its own copy in process, and entries never change for a key.
  const other = await build(t, input)
  const again = await embed(other, ['good', 'victim'])
  t.equal(again.headers['x-qiao-cache-hits'], '1/2')
  t.same(f32(again.body.data[1].embedding), fakeVector('victim', 4))
  t.equal((await client.getBuffer(cacheKey(namespace, 'victim')))?.length, 16, 'rewritten with the real vector')
})

t.test('Redis killed in the middle of a run: every request succeeds, caching resumes after Redis is back', async (t) => {
  const redis = await startRedis(t)
  const logLines: string[] = []
  const ollama = await startFakeOllama()
  t.teardown(async () => { await ollama.close() })
  const config: ConfigInput = {
    providers: providersFor({ ollama }),
    redis: { url: redis.url, keyPrefix: `test:${process.pid}:outage:` },
    cache: { embeddings: { timeout: '500ms' } }
  }
  const app = await build(t, config, { logLines })
  // A second instance on the same Redis tells what reached Redis: each instance keeps hits in process too.
  const other = await build(t, config)
  t.equal((await embed(app, ['before'])).status, 200)
  t.equal((await embed(app, ['before'])).headers['x-qiao-cache'], 'hit')

  await redis.stop()
  for (let i = 0; i < 5; i++) {
    const during = await embed(app, ['before', `during-${i}`])
    t.equal(during.status, 200, `request ${i} during the outage succeeds`)
    t.same(f32(during.body.data[0].embedding), fakeVector('before', 4))
  }
  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 200, 'a Redis outage does not make the gateway unready')
  t.match(ready.json(), { status: 'degraded', dependencies: { redis: 'down' } })
  t.equal(logLines.filter((line) => line.includes('redis unavailable')).length, 1, 'one warning per outage')
  const metrics = (await app.inject({ url: '/metrics' })).body
  const errors = Number(/^qiao_embedding_cache_errors_total (\d+)/m.exec(metrics)?.[1])
  t.ok(errors >= 1, `the outage is counted in /metrics (${errors})`)

  await redis.start()
  let resumed = false
  for (let i = 0; i < 60 && !resumed; i++) {
    await sleep(250)
    await embed(app, [`after-${i}`])
    resumed = (await embed(other, [`after-${i}`])).headers['x-qiao-cache'] === 'hit'
  }
  t.ok(resumed, 'what one instance embeds reaches Redis again once it is back')
  t.equal(app.embeddingCache?.healthy, true)
})
