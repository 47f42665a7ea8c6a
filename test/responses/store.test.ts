// Stored responses, in process and in Redis: found by their team the moment the answer is out, 404 for anyone
// else, GET / DELETE / input_items, store: false, and the Redis key with its slot and TTL.
import t from 'tap'
import OpenAI from 'openai'
import { Redis } from 'ioredis'
import { listen, startFakes, type Fakes, type Teardown } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, BOB, gateway, uniquePrefix } from '../auth/setup.js'

let fakes: Fakes
let redisUrl: string
t.before(async () => {
  fakes = await startFakes(t)
  redisUrl = (await startRedis(t)).url
})

const MODEL = 'deepseek/deepseek-chat'

async function clients (t: Teardown, store: 'memory' | 'redis', prefix: string): Promise<{ alice: OpenAI, bob: OpenAI }> {
  const app = await gateway(t, fakes, {
    keys: [{ id: 'alice', key: ALICE, team: 'a' }, { id: 'bob', key: BOB, team: 'b' }],
    responses: { ttl: '2h' },
    ...(store === 'redis' ? { redisUrl, prefix } : {})
  })
  const base = await listen(app)
  const client = (apiKey: string) => new OpenAI({ baseURL: `${base}/v1`, apiKey, maxRetries: 0 })
  return { alice: client(ALICE), bob: client(BOB) }
}

for (const store of ['memory', 'redis'] as const) {
  t.test(`${store}: a stored response continues, reads back, lists its input and deletes`, async (t) => {
    const { alice } = await clients(t, store, uniquePrefix())
    fakes.deepseek.enqueue({ kind: 'text', content: 'Paris' }, { kind: 'text', content: 'About 2 million' })
    const first = await alice.responses.create({ model: MODEL, input: 'Capital of France?', instructions: 'Short answers', metadata: { topic: 'geo' } })
    // The follow-up goes out the moment the stream's last event arrives.
    const second = await alice.responses.stream({ model: MODEL, previous_response_id: first.id, input: 'Population?' }).finalResponse()
    t.match(fakes.deepseek.requests.at(-1)?.body.messages, [
      { role: 'user', content: 'Capital of France?' }, { role: 'assistant', content: 'Paris' }, { role: 'user', content: 'Population?' }
    ], 'instructions are not carried over, as in OpenAI')

    const read = await alice.responses.retrieve(second.id)
    t.equal(read.output_text, 'About 2 million')
    t.equal(read.previous_response_id, first.id)
    t.same((await alice.responses.retrieve(first.id)).metadata, { topic: 'geo' })

    const items = await alice.responses.inputItems.list(second.id, { order: 'asc' })
    t.match(items.data, [{ type: 'message', role: 'user' }, { type: 'message', role: 'assistant' }, { type: 'message', role: 'user' }])
    t.ok(items.data.every((item) => typeof item.id === 'string'), 'every item has an id')
    const newest = await alice.responses.inputItems.list(second.id, { limit: 1 })
    t.match(newest.data, [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Population?' }] }], 'newest first')
    t.equal(newest.data.length, 1)

    await alice.responses.delete(first.id)
    const gone = await alice.responses.retrieve(first.id).catch((e: unknown) => e)
    t.ok(gone instanceof OpenAI.NotFoundError)
  })

  t.test(`${store}: another team's response is a 404, as retrieve, delete and previous_response_id`, async (t) => {
    const { alice, bob } = await clients(t, store, uniquePrefix())
    const mine = await alice.responses.create({ model: MODEL, input: 'hi' })
    for (const call of [() => bob.responses.retrieve(mine.id), () => bob.responses.delete(mine.id), () => bob.responses.inputItems.list(mine.id)]) {
      const err = await call().catch((e: unknown) => e)
      t.ok(err instanceof OpenAI.NotFoundError)
    }
    const err = await bob.responses.create({ model: MODEL, previous_response_id: mine.id, input: 'x' }).catch((e: unknown) => e)
    t.ok(err instanceof OpenAI.NotFoundError)
    t.match(err, { status: 404, param: 'previous_response_id', code: 'previous_response_not_found', type: 'invalid_request_error' })
    const missing = await alice.responses.create({ model: MODEL, previous_response_id: 'resp_nope', input: 'x' }).catch((e: unknown) => e)
    t.match(missing, { status: 404, code: 'previous_response_not_found' })
    t.equal((await alice.responses.retrieve(mine.id)).id, mine.id, 'still there for its own team')
  })

  t.test(`${store}: store: false keeps nothing`, async (t) => {
    const { alice } = await clients(t, store, uniquePrefix())
    const response = await alice.responses.create({ model: MODEL, input: 'hi', store: false })
    t.match(response, { store: false })
    t.ok(await alice.responses.retrieve(response.id).catch((e: unknown) => e) instanceof OpenAI.NotFoundError)
  })
}

t.test('redis: one key per response, its id as the hash tag, expiring after responses.ttl', async (t) => {
  const prefix = uniquePrefix()
  const { alice } = await clients(t, 'redis', prefix)
  const response = await alice.responses.create({ model: MODEL, input: 'hi' })
  const redis = new Redis(redisUrl)
  t.teardown(() => { redis.disconnect() })
  const key = `${prefix}responses:{${response.id}}`
  const ttl = await redis.pttl(key)
  t.ok(ttl > 7_100_000 && ttl <= 7_200_000, `PTTL ${ttl} is about 2h`)
  t.match(JSON.parse(await redis.get(key) ?? '{}'), { team: 'a', response: { id: response.id }, input: [{ role: 'user' }] })
  await redis.del(...await redis.keys(`${prefix}*`))
})
