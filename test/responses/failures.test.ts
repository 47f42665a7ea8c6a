// A client leaving a Responses stream, and the response store's Redis going away.
import t from 'tap'
import OpenAI from 'openai'
import { listen, openaiForAbort, startFakes, type Fakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, gateway, uniquePrefix } from '../auth/setup.js'

let fakes: Fakes
t.before(async () => { fakes = await startFakes(t) })

const MODEL = 'deepseek/deepseek-chat'
const keys = [{ id: 'alice', key: ALICE, team: 'a' }]

t.test('a client leaving mid-stream frees the upstream connection, and nothing is stored', async (t) => {
  const base = await listen(await gateway(t, fakes, { keys }))
  const openai = openaiForAbort(t, base, { apiKey: ALICE })
  fakes.deepseek.enqueue({ kind: 'stallMidStream' })
  const stream = await openai.responses.create({ model: MODEL, input: 'x', stream: true })
  let id = ''
  for await (const event of stream) {
    if (event.type === 'response.created') id = event.response.id
    if (event.type === 'response.output_text.delta') break
  }
  await fakes.deepseek.waitForClosedConnections(1)
  t.match(id, /^resp_/)
  const err = await new OpenAI({ baseURL: `${base}/v1`, apiKey: ALICE, maxRetries: 0 }).responses.retrieve(id).catch((e: unknown) => e)
  t.ok(err instanceof OpenAI.NotFoundError, 'a response that never completed is not stored')
})

t.test('with Redis gone, answers still come; continuing one is a 503, not a false 404', async (t) => {
  const redis = await startRedis(t)
  const base = await listen(await gateway(t, fakes, { keys, redisUrl: redis.url, prefix: uniquePrefix() }))
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: ALICE, maxRetries: 0 })
  const first = await openai.responses.create({ model: MODEL, input: 'hi' })
  await redis.stop()
  const answer = await openai.responses.create({ model: MODEL, input: 'hi again' })
  t.equal(answer.output_text, 'Hello from deepseek', 'the answer is not lost to the store')
  const err = await openai.responses.create({ model: MODEL, previous_response_id: first.id, input: 'and?' }).catch((e: unknown) => e)
  t.ok(err instanceof OpenAI.APIError)
  t.match(err, { status: 503, code: 'response_store_unavailable' })
})
