// Usage per key, model and hour: counted once per request (streams included), errors and cache hits too,
// queried through GET /admin/usage.
import t from 'tap'
import { Redis } from 'ioredis'
import { listen, openai, startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, BOB, admin, bearer, chat, gateway, uniquePrefix, usageWhen, type Store } from './setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const keys = [{ id: 'alice', key: ALICE }, { id: 'bob', key: BOB }]
const hourNow = () => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString()
const answerUsing = (prompt: number, completion: number) => { fakes.deepseek.enqueue({ kind: 'text', content: 'Hello there', usage: { prompt, completion } }) }

for (const store of ['memory', 'redis'] as const satisfies Store[]) {
  t.test(`${store} store`, async (t) => {
    const setup = async () => {
      const app = await gateway(t, fakes, { keys, redisUrl: store === 'redis' ? redis.url : undefined })
      return { app, base: await listen(app) }
    }

    t.test('a completion is counted under its key, the model name sent and the UTC hour', async (t) => {
      const { app } = await setup()
      answerUsing(11, 7)
      t.equal((await chat(app, ALICE, { model: 'fast' })).statusCode, 200)
      const body = await usageWhen(app, (b) => b.totals['requests'] === 1)
      t.same(body.series, [{ hour: hourNow(), key: 'alice', model: 'fast', requests: 1, prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, errors: 0, cached_inputs: 0, cached_prompt_tokens: 0, cost: '0.000025', saved_cost: '0' }])
      t.same(body.totals, { requests: 1, prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, errors: 0, cached_inputs: 0, cached_prompt_tokens: 0, cost: '0.000025', saved_cost: '0' }, 'priced at the built-in deepseek-chat rates: 11 × 1 + 7 × 2 per 1M')
    })

    t.test('a stream the client asked usage for is counted exactly once', async (t) => {
      const { app, base } = await setup()
      answerUsing(13, 5)
      let seen
      for await (const chunk of await openai(base, { apiKey: ALICE }).chat.completions.create({
        model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true }
      })) if (chunk.usage !== undefined && chunk.usage !== null) seen = chunk.usage
      t.match(seen, { prompt_tokens: 13, completion_tokens: 5 })
      await usageWhen(app, (b) => b.totals['requests'] === 1)
      const body = await usageWhen(app, () => true)
      t.same(body.totals, { requests: 1, prompt_tokens: 13, completion_tokens: 5, total_tokens: 18, errors: 0, cached_inputs: 0, cached_prompt_tokens: 0, cost: '0.000023', saved_cost: '0' })
      t.equal(body.series.length, 1)
    })

    t.test('a stream the client did not ask usage for is counted once, and its client sees no usage chunk', async (t) => {
      const { app, base } = await setup()
      answerUsing(17, 3)
      const chunks = []
      for await (const chunk of await openai(base, { apiKey: ALICE }).chat.completions.create({
        model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }], stream: true
      })) chunks.push(chunk)
      t.notOk(chunks.some((chunk) => chunk.usage !== undefined && chunk.usage !== null), 'no usage chunk for this client')
      t.equal(fakes.deepseek.requests.at(-1)?.body.stream_options?.include_usage, true, 'but the gateway asked the backend')
      await usageWhen(app, (b) => b.totals['requests'] === 1)
      t.same((await usageWhen(app, () => true)).totals, { requests: 1, prompt_tokens: 17, completion_tokens: 3, total_tokens: 20, errors: 0, cached_inputs: 0, cached_prompt_tokens: 0, cost: '0.000023', saved_cost: '0' })
    })

    t.test('a failed request counts in requests and errors', async (t) => {
      const { app } = await setup()
      fakes.deepseek.enqueue({ kind: 'error', status: 400, body: { error: { message: 'bad request', type: 'invalid_request_error', code: 'invalid' } } })
      t.equal((await chat(app, BOB)).statusCode, 400)
      t.equal((await chat(app, BOB, { model: 'no-such-model' })).statusCode, 404)
      const body = await usageWhen(app, (b) => b.totals['requests'] === 2, '?key=bob')
      t.match(body.totals, { requests: 2, errors: 2, total_tokens: 0 })
      t.same(body.series.map((s) => s.model).sort(), ['deepseek/deepseek-chat', 'no-such-model'])
    })

    t.test('embedding inputs served from the cache are counted as cached_inputs', async (t) => {
      // A store timeout far above the default: a busy machine must not turn the hit into a fail-open miss.
      const app = await gateway(t, fakes, { keys, redisUrl: store === 'redis' ? redis.url : undefined, cache: { embeddings: { timeout: '5s' } } })
      const embed = async (input: string[]) => await app.inject({ method: 'POST', url: '/v1/embeddings', headers: bearer(ALICE), payload: { model: 'ollama/nomic-embed-text', input } })
      const unique = `text-${store}-${Math.random()}`
      t.equal((await embed([unique])).statusCode, 200)
      const second = await embed([unique, `${unique}-2`])
      t.equal(second.headers['x-qiao-cache'], 'partial')
      const body = await usageWhen(app, (b) => b.totals['requests'] === 2, '?model=ollama/nomic-embed-text')
      t.equal(body.totals['cached_inputs'], 1)
      t.equal(body.totals['errors'], 0)
    })

    t.test('usage is filtered by key, model and time range', async (t) => {
      const { app } = await setup()
      await chat(app, ALICE)
      await chat(app, BOB, { model: 'fast' })
      await usageWhen(app, (b) => b.totals['requests'] === 2)
      t.same((await usageWhen(app, () => true, '?key=alice')).series.map((s) => s.key), ['alice'])
      t.same((await usageWhen(app, () => true, '?model=fast')).series.map((s) => s.key), ['bob'])
      const past = (await admin(app, 'GET', '/admin/usage?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z')).json()
      t.same(past.series, [])
      t.equal(past.totals.requests, 0)
      const bad = await admin(app, 'GET', '/admin/usage?from=yesterday')
      t.equal(bad.statusCode, 400)
      t.equal(bad.json().error.param, 'from')
    })
  })
}

t.test('usage recorded by one instance is seen by another, in hourly hashes that expire after the retention', async (t) => {
  const prefix = uniquePrefix()
  const one = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix, usage: { retention: '2d' } })
  const two = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  await chat(one, ALICE)
  await one.auth.usage.flush()
  t.equal((await usageWhen(two, (b) => b.totals['requests'] === 1)).totals['requests'], 1)
  const client = new Redis(redis.url, { keyPrefix: prefix })
  t.teardown(() => { client.disconnect() })
  const ttl = await client.pttl(`usage:${hourNow()}`)
  t.ok(ttl > 2 * 86_400_000 && ttl <= 2 * 86_400_000 + 3_600_000, `expires after the hour plus 2 days (pttl ${ttl})`)
})
