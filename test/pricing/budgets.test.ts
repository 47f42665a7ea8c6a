// Money budgets per key and per team, shared by replicas through Redis: admitted while any is left, then 429
// budget_exceeded naming the budget; a money budget refuses unpriced models; alerts reach a webhook once.
import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { startFakes, type Fakes } from '../helper.js'
import { startRedis, type TestRedis } from '../fixtures/redis-server.js'
import { ALICE, BOB, chat, gateway, uniquePrefix } from '../auth/setup.js'

let fakes: Fakes
let redis: TestRedis
t.before(async () => {
  fakes = await startFakes(t)
  redis = await startRedis(t)
})

const pricing = { currency: 'CNY', models: { 'deepseek/deepseek-chat': { input: 2, cachedInput: 0.5, output: 8 } } }
// Each answer: (10 × 2 + 5 × 8) / 1M = 0.00006 CNY.
const answer = () => { fakes.deepseek.enqueue({ kind: 'text', content: 'ok', usage: { prompt: 10, completion: 5 } }) }

/** Until the limiter's money counter of `scope`/`id` shows `nanos` (settling runs after the answer is sent). */
async function spent (app: FastifyInstance, scope: 'key' | 'team', owner: { id: string, budget: { amount: number, period: 'month' } }, nanos: number): Promise<number | undefined> {
  let seen: number | undefined
  for (let i = 0; i < 150 && seen !== nanos; i++) {
    seen = (await app.auth.limits.spend({ scope, id: owner.id, budget: owner.budget })).nanos
    if (seen !== nanos) await sleep(20)
  }
  return seen
}

t.test('a key\'s money budget refuses the request after the one that spent it, on either replica', async (t) => {
  const prefix = uniquePrefix()
  const alice = { id: 'alice', key: ALICE, budget: { amount: 0.0001, period: 'month' as const } }
  const config = { keys: [alice], pricing, redisUrl: redis.url, prefix }
  const [one, two] = [await gateway(t, fakes, config), await gateway(t, fakes, config)] as [FastifyInstance, FastifyInstance]
  answer()
  t.equal((await chat(one, ALICE, { model: 'fast' })).statusCode, 200)
  t.equal(await spent(two, 'key', alice, 60_000), 60_000, 'the second replica sees 0.00006 spent')
  answer()
  t.equal((await chat(two, ALICE, { model: 'fast' })).statusCode, 200, 'admitted: 0.00004 was left')
  t.equal(await spent(one, 'key', alice, 120_000), 120_000)
  const refused = await chat(one, ALICE, { model: 'fast' })
  t.equal(refused.statusCode, 429)
  t.match(refused.json(), { error: { code: 'budget_exceeded', type: 'rate_limit_error', message: "Key 'alice' has used its budget of 0.0001 CNY for this month" } })
  t.ok(Number(refused.headers['retry-after']) > 0, 'retry-after until the month ends')
})

t.test('a team\'s money budget is spent by all its keys together, across replicas', async (t) => {
  const prefix = uniquePrefix()
  const team = { id: 'search', budget: { amount: 0.0001, period: 'month' as const } }
  const config = { keys: [{ id: 'alice', key: ALICE, team: 'search' }, { id: 'bob', key: BOB, team: 'search' }], teams: [team], pricing, redisUrl: redis.url, prefix }
  const [one, two] = [await gateway(t, fakes, config), await gateway(t, fakes, config)] as [FastifyInstance, FastifyInstance]
  answer()
  t.equal((await chat(one, ALICE, { model: 'fast' })).statusCode, 200)
  t.equal(await spent(two, 'team', team, 60_000), 60_000)
  answer()
  t.equal((await chat(two, BOB, { model: 'fast' })).statusCode, 200)
  t.equal(await spent(one, 'team', team, 120_000), 120_000)
  const refused = await chat(two, ALICE, { model: 'fast' })
  t.equal(refused.statusCode, 429)
  t.match(refused.json(), { error: { code: 'budget_exceeded', message: "Team 'search' has used its budget of 0.0001 CNY for this month" } })
})

t.test('a key with a money budget is refused a model without a price', async (t) => {
  const app = await gateway(t, fakes, {
    keys: [{ id: 'alice', key: ALICE, budget: { amount: 10, period: 'day' } }],
    providers: [{ id: 'other', type: 'openai', baseUrl: fakes.deepseek.baseUrl, apiKey: 'sk-deepseek-test', models: ['deepseek-chat'] }],
    models: []
  })
  const before = fakes.deepseek.requests.length
  const res = await chat(app, ALICE, { model: 'other/deepseek-chat' })
  t.equal(res.statusCode, 403)
  t.match(res.json(), { error: { code: 'model_not_priced', param: 'model', type: 'permission_error' } })
  t.equal(fakes.deepseek.requests.length, before, 'nothing reached the backend')
})

t.test('crossing alertAt and running out each reach the webhook once, with one warning line', async (t) => {
  const received: Array<Record<string, unknown>> = []
  const hook = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += String(chunk) })
    req.on('end', () => { received.push(JSON.parse(body) as Record<string, unknown>); res.end() })
  })
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { hook.close() })
  const logLines: string[] = []
  const alice = { id: 'alice', key: ALICE, budget: { amount: 0.0001, period: 'month' as const, alertAt: [0.5, 0.9] } }
  const app = await gateway(t, fakes, { keys: [alice], pricing, alerts: { webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts` } }, logLines)
  for (let i = 0; i < 2; i++) {
    answer()
    t.equal((await chat(app, ALICE, { model: 'fast' })).statusCode, 200)
    await spent(app, 'key', alice, 60_000 * (i + 1))
  }
  t.equal((await chat(app, ALICE, { model: 'fast' })).statusCode, 429)
  for (let i = 0; i < 100 && received.length < 2; i++) await sleep(20)
  await sleep(100)
  t.same(received, [
    { event: 'budget_threshold', scope: 'key', id: 'alice', fraction: 0.5, spent: 0.00006, amount: 0.0001, currency: 'CNY', period: 'month', periodStart: received[0]?.['periodStart'] },
    { event: 'budget_exhausted', scope: 'key', id: 'alice', fraction: 1, spent: 0.00012, amount: 0.0001, currency: 'CNY', period: 'month', periodStart: received[0]?.['periodStart'] }
  ], '50 % crossed, then spent (0.9 was jumped over by the exhausting request)')
  t.match(String(received[0]?.['periodStart']), /^\d{4}-\d{2}-01$/)
  const warnings = logLines.filter((line) => line.includes('budget for this month'))
  t.equal(warnings.length, 2, 'one warning line per event')
})

for (const store of ['memory', 'redis'] as const) {
  t.test(`a team's rpm counts all its keys together, on top of each key's own (${store})`, async (t) => {
    const app = await gateway(t, fakes, {
      keys: [{ id: 'alice', key: ALICE, team: 'search', rpm: 10 }, { id: 'bob', key: BOB, team: 'search' }],
      teams: [{ id: 'search', rpm: 2 }],
      ...(store === 'redis' ? { redisUrl: redis.url, prefix: uniquePrefix() } : {})
    })
    t.equal((await chat(app, ALICE)).statusCode, 200)
    const second = await chat(app, BOB)
    t.equal(second.statusCode, 200)
    t.equal(second.headers['x-ratelimit-limit-requests'], '2', 'bob has no rpm of his own: the team\'s headers')
    const third = await chat(app, ALICE)
    t.equal(third.statusCode, 429)
    t.match(third.json(), { error: { code: 'rate_limit_exceeded', message: "Rate limit reached for team 'search': 2 requests per minute" } })
    t.equal(third.headers['x-ratelimit-limit-requests'], '10', 'alice\'s own limit is the one her headers show')
    t.equal(third.headers['x-ratelimit-remaining-requests'], '9', 'the refused request is not counted against her')
    t.equal((await app.auth.limits.spend({ scope: 'key', id: 'alice', rpm: 10 })).rpm, 1, 'her counter holds the one admitted request')
  })
}
