// qiao on a real Redis Cluster (three masters, a replica each): two gateway instances share the cache, the
// admin keys, the limits and the usage, every multi-key command stays in one slot, and a master killed under
// load costs no request.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakes, type Fakes } from '../helper.js'
import { redisCli, startRedisCluster, type TestRedisCluster } from '../fixtures/redis-cluster.js'
import { admin, chat, createKey, gateway, uniquePrefix } from '../auth/setup.js'
import { embed, loadThroughOutage } from './load-through-outage.js'
import { slotOf } from '../../src/redis/slots.js'
import type { ConfigInput } from '../../src/config/schema.js'

let fakes: Fakes
let cluster: TestRedisCluster
t.before(async () => {
  fakes = await startFakes(t)
  cluster = await startRedisCluster(t, { masters: 3, replicasPerMaster: 1 })
})

async function onCluster (prefix: string, input: ConfigInput = {}, logLines?: string[]): Promise<FastifyInstance> {
  return await gateway(t, fakes, { ...input, redis: { cluster: cluster.urls, keyPrefix: prefix } }, logLines)
}

const embeddingCalls = () => fakes.zhipu.requests.filter((r) => r.path.endsWith('/embeddings')).length
const answerUsing = (prompt: number, completion: number) => { fakes.deepseek.enqueue({ kind: 'text', content: 'ok', usage: { prompt, completion } }) }

async function usageTotal (app: FastifyInstance, query: string, done: (requests: number) => boolean): Promise<number> {
  let requests = -1
  for (let i = 0; i < 100 && !done(requests); i++) {
    await app.auth.usage.flush()
    requests = Number((await admin(app, 'GET', `/admin/usage${query}`)).json().totals.requests ?? 0)
    if (!done(requests)) await sleep(50)
  }
  return requests
}

t.test('the slot qiao computes is the slot the cluster uses, hash tags included', async (t) => {
  const master = (await cluster.masterPorts())[0] as number
  for (const key of ['qiao:emb:abc', 'qiao:limits:{key:alice}:rpm:29000', 'qiao:auth:key:{k-1}', 'x{}y', '{a}{b}', 'plain', 'qiao:{}:{team:ops}']) {
    t.equal(slotOf(key), Number(await redisCli(master, 'CLUSTER', 'KEYSLOT', key)), key)
  }
})

t.test('two instances on one cluster share admin keys, the cache, limits, budgets and usage', async (t) => {
  const prefix = uniquePrefix()
  const one = await onCluster(prefix)
  const two = await onCluster(prefix)

  const limited = await createKey(one, { rpm: 3 })
  t.equal((await chat(two, limited.key)).statusCode, 200, 'a key created on one instance works on the other')
  t.equal((await chat(one, limited.key)).statusCode, 200)
  t.equal((await chat(two, limited.key)).statusCode, 200)
  const refused = await chat(one, limited.key)
  t.equal(refused.statusCode, 429, 'rpm 3 counted across both instances')
  t.equal((await chat(two, limited.key)).statusCode, 429)

  // A team's limits and a key's are checked together although their counters live in different slots.
  t.equal((await admin(one, 'POST', '/admin/teams', { id: 'ops', budget: { tokens: 12, period: 'day' } })).statusCode, 201)
  const member = await createKey(two, { team: 'ops' })
  answerUsing(4, 2)
  t.equal((await chat(one, member.key)).statusCode, 200)
  t.equal(await usageTotal(one, `?key=${member.id}`, (n) => n === 1), 1)
  answerUsing(4, 2)
  t.equal((await chat(two, member.key)).statusCode, 200, '6 of the team\'s 12 tokens used')
  t.equal(await usageTotal(two, `?key=${member.id}`, (n) => n === 2), 2)
  const overBudget = await chat(one, member.key)
  t.equal(overBudget.statusCode, 429)
  t.equal(overBudget.json().error.code, 'budget_exceeded', 'the team budget, spent on both instances, is used up')
  t.match((await admin(two, 'GET', '/admin/teams/ops')).json().spend, { tokens: 12 }, 'the spend each instance reports is the shared one')

  const reader = await createKey(one, {})
  const inputs = Array.from({ length: 16 }, (_v, i) => `cluster text ${prefix} ${i}`)
  const calls = embeddingCalls()
  const first = await embed(one, reader.key, inputs)
  t.equal(first.headers['x-qiao-cache'], 'miss')
  const second = await embed(two, reader.key, inputs)
  t.equal(second.headers['x-qiao-cache'], 'hit', '16 entries spread over the slots, read back by the other instance')
  t.same(second.json().data, first.json().data, 'the same vectors')
  t.equal(embeddingCalls(), calls + 1, 'embedded once')

  t.equal(await usageTotal(two, `?key=${limited.id}`, (n) => n === 5), 5, 'usage from both instances in one report (three answers, two refusals)')
  t.equal((await admin(two, 'DELETE', `/admin/keys/${limited.id}`)).statusCode, 200)
  await sleep(1_100)
  t.equal((await chat(one, limited.key)).statusCode, 401, 'revoked on one instance, refused by the other within a second')
})

t.test('/readyz shows the cluster: its masters and replicas, each up', async (t) => {
  const app = await onCluster(uniquePrefix())
  const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json()
  t.equal(ready.status, 'ok')
  t.equal(ready.dependencies.redis, 'up')
  t.equal(ready.redis.topology, 'cluster')
  t.equal(ready.redis.state, 'up')
  const masters = (await cluster.masterPorts()).map((port) => `127.0.0.1:${port}`).sort()
  t.same(ready.redis.nodes.filter((n: { role: string }) => n.role === 'master').map((n: { address: string }) => n.address).sort(), masters)
  t.equal(ready.redis.nodes.filter((n: { role: string }) => n.role === 'replica').length, 3)
  t.ok(ready.redis.nodes.every((n: { state: string }) => n.state === 'up'))
})

t.test('a master killed under load: no request lost, one warning, recovery logged, then everything shared again', async (t) => {
  const prefix = uniquePrefix()
  const logLines: string[] = []
  const app = await onCluster(prefix, { cache: { embeddings: { timeout: '200ms' } } }, logLines)
  let victim = 0
  const run = await loadThroughOutage(app, logLines, async () => {
    victim = (await cluster.masterPorts())[0] as number
    await cluster.kill(victim)
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline && (await cluster.masterPorts()).includes(victim)) await sleep(200)
    t.notOk((await cluster.masterPorts()).includes(victim), 'a replica took over')
    await cluster.waitHealthy()
  })
  t.equal(run.beforeOutage, 200, 'the key is seen before the outage')
  t.ok(run.statuses.length > 20, `${run.statuses.length} requests during the run`)
  t.same([...new Set(run.statuses)], [200], 'every request answered 200')
  t.equal(run.warnings, 1, 'one warning for the lost shard')
  t.equal(run.recoveries, 1, 'one line when it is over')

  const inputs = Array.from({ length: 16 }, (_v, i) => `after ${prefix} ${i}`)
  await embed(app, run.key, inputs)
  t.equal((await embed(app, run.key, inputs)).headers['x-qiao-cache'], 'hit', 'the cache works on every shard again')
  const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json()
  t.equal(ready.redis.state, 'up', '/readyz: every master answers')
  t.ok(ready.redis.nodes.some((n: { address: string, state: string }) => n.address === `127.0.0.1:${victim}` && n.state === 'down') ||
    !ready.redis.nodes.some((n: { address: string }) => n.address === `127.0.0.1:${victim}`), 'the killed node is down or gone')
  await cluster.restart(victim)
})
