// rpm, tpm and budgets per key: OpenAI's x-ratelimit headers, 429 with retry-after, budget_exceeded,
// estimates corrected by the real usage, one limit shared by replicas, and failing open without Redis.
import t from 'tap'
import OpenAI from 'openai'
import { listen, openai, startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, chat, gateway, settled, uniquePrefix, type Store } from './setup.js'
import { DEFAULT_COMPLETION_TOKENS } from '../../src/limits/estimate.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const ask = { model: 'deepseek/deepseek-chat', messages: [{ role: 'user' as const, content: 'hi' }] }
/** 'hi' is 2 characters: 1 prompt token, plus the default completion allowance. */
const ESTIMATE = 1 + DEFAULT_COMPLETION_TOKENS
/** What the fake reports, so corrections are exact. */
const answerUsing = (prompt: number, completion: number) => { fakes.deepseek.enqueue({ kind: 'text', content: 'ok', usage: { prompt, completion } }) }

type RateLimitErr = InstanceType<typeof OpenAI.RateLimitError>
const refusal = async (client: OpenAI, body: Record<string, unknown> = {}) => {
  const err = await client.chat.completions.create({ ...ask, ...body }).catch((e: unknown) => e)
  if (!(err instanceof OpenAI.RateLimitError)) throw new Error(`expected a RateLimitError, got ${String(err)}`)
  return err as RateLimitErr
}

for (const store of ['memory', 'redis'] as const satisfies Store[]) {
  t.test(`${store} store`, async (t) => {
    const limited = async (policy: Record<string, unknown>) => {
      const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE, ...policy }], redisUrl: store === 'redis' ? redis.url : undefined })
      return { app, client: openai(await listen(app), { apiKey: ALICE }) }
    }

    t.test('a limited key\'s answers carry the requests and tokens headers', async (t) => {
      const { app } = await limited({ rpm: 5, tpm: 10_000 })
      const res = await chat(app, ALICE)
      t.equal(res.statusCode, 200)
      t.equal(res.headers['x-ratelimit-limit-requests'], '5')
      t.equal(res.headers['x-ratelimit-remaining-requests'], '4')
      t.match(res.headers['x-ratelimit-reset-requests'], /^(\d+ms|\d+(\.\d+)?s|\d+m\d+s)$/)
      t.equal(res.headers['x-ratelimit-limit-tokens'], '10000')
      t.equal(res.headers['x-ratelimit-remaining-tokens'], String(10_000 - ESTIMATE), 'charged from the estimate')
      t.match(res.headers['x-ratelimit-reset-tokens'], /^(\d+ms|\d+(\.\d+)?s|\d+m\d+s)$/)
    })

    t.test('a key without limits gets no rate-limit headers', async (t) => {
      const { app } = await limited({})
      const res = await chat(app, ALICE)
      t.equal(res.statusCode, 200)
      t.notOk(Object.keys(res.headers).some((name) => name.startsWith('x-ratelimit-')))
    })

    t.test('over rpm the SDK gets a RateLimitError with retry-after and no upstream call', async (t) => {
      const { client } = await limited({ rpm: 2 })
      await client.chat.completions.create(ask)
      await client.chat.completions.create(ask)
      const before = fakes.deepseek.requests.length
      const err = await refusal(client)
      t.equal(err.status, 429)
      t.equal(err.code, 'rate_limit_exceeded')
      t.ok(Number(err.headers.get('retry-after')) >= 1, 'retry-after in whole seconds')
      t.equal(err.headers.get('x-ratelimit-remaining-requests'), '0')
      t.equal(err.headers.get('x-ratelimit-limit-requests'), '2')
      t.equal(fakes.deepseek.requests.length, before)
    })

    t.test('tpm is charged from the estimate and corrected from the real usage', async (t) => {
      const { app, client } = await limited({ tpm: 300 })
      answerUsing(4, 2)
      t.equal((await chat(app, ALICE)).headers['x-ratelimit-remaining-tokens'], String(300 - ESTIMATE))
      await settled(app, 'alice', 1)
      answerUsing(4, 2)
      const second = await chat(app, ALICE)
      t.equal(second.statusCode, 200, 'admitted only because the first charge shrank to its real 6 tokens')
      t.equal(second.headers['x-ratelimit-remaining-tokens'], String(300 - 6 - ESTIMATE))
      await settled(app, 'alice', 2)
      const err = await refusal(client, { max_tokens: 290 })
      t.equal(err.code, 'rate_limit_exceeded')
      t.ok(Number(err.headers.get('retry-after')) >= 1)
      t.equal(err.headers.get('x-ratelimit-remaining-tokens'), String(300 - 12))
    })

    t.test('a failed call gives its estimated tokens back', async (t) => {
      const { app } = await limited({ tpm: 1_000 })
      fakes.deepseek.enqueue({ kind: 'error', status: 400, body: { error: { message: 'bad', type: 'invalid_request_error', code: 'invalid' } } })
      const failed = await chat(app, ALICE)
      t.equal(failed.statusCode, 400)
      t.equal(failed.headers['x-ratelimit-limit-tokens'], '1000', 'error answers carry the headers too')
      await settled(app, 'alice', 1)
      t.equal((await chat(app, ALICE)).headers['x-ratelimit-remaining-tokens'], String(1_000 - ESTIMATE))
    })

    t.test('over its budget a key gets 429 budget_exceeded until the UTC day ends', async (t) => {
      const { app, client } = await limited({ budget: { tokens: 10, period: 'day' } })
      answerUsing(4, 2)
      t.equal((await chat(app, ALICE)).statusCode, 200)
      await settled(app, 'alice', 1)
      answerUsing(4, 2)
      t.equal((await chat(app, ALICE)).statusCode, 200, '6 of 10 tokens used: still admitted')
      await settled(app, 'alice', 2)
      const midnight = new Date().setUTCHours(24, 0, 0, 0)
      const latest = Math.ceil((midnight - Date.now()) / 1000)
      const err = await refusal(client)
      const earliest = Math.ceil((midnight - Date.now()) / 1000)
      t.equal(err.code, 'budget_exceeded')
      const retryAfter = Number(err.headers.get('retry-after'))
      t.ok(retryAfter >= earliest && retryAfter <= latest, `retry-after ${retryAfter} is the time left in the UTC day`)
    })
  })
}

t.test('two gateway instances on one Redis share one limit', async (t) => {
  const prefix = uniquePrefix()
  const keys = [{ id: 'alice', key: ALICE, rpm: 2 }]
  const one = openai(await listen(await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })), { apiKey: ALICE })
  const two = openai(await listen(await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })), { apiKey: ALICE })
  await one.chat.completions.create(ask)
  await two.chat.completions.create(ask)
  t.equal((await refusal(one)).status, 429)
  t.equal((await refusal(two)).status, 429)
})

t.test('with Redis down the limits fail open: requests are served and the outage is logged once', async (t) => {
  const own = await startRedis(t)
  const logLines: string[] = []
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE, rpm: 1 }], redisUrl: own.url }, logLines)
  t.equal((await chat(app, ALICE)).statusCode, 200)
  await own.stop()
  const second = await chat(app, ALICE)
  const third = await chat(app, ALICE)
  t.equal(second.statusCode, 200, 'rpm 1 is not enforced without Redis')
  t.equal(third.statusCode, 200)
  t.notOk('x-ratelimit-limit-requests' in third.headers, 'no headers when the limit is unknown')
  t.equal(logLines.filter((line) => line.includes('redis unavailable')).length, 1)
})
