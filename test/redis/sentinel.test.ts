// qiao on a master behind Sentinel (one replica, three sentinels): two gateway instances share keys, cache,
// limits and usage; when the master dies the sentinels promote the replica and qiao follows it, losing no
// request and logging the outage once.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { startFakes, type Fakes } from '../helper.js'
import { startRedisSentinel, type TestRedisSentinel } from '../fixtures/redis-sentinel.js'
import { admin, chat, createKey, gateway, uniquePrefix } from '../auth/setup.js'
import { embed, loadThroughOutage } from './load-through-outage.js'
import type { ConfigInput } from '../../src/config/schema.js'

let fakes: Fakes
let sentinel: TestRedisSentinel
t.before(async () => {
  fakes = await startFakes(t)
  sentinel = await startRedisSentinel(t, { name: 'qiao-main' })
})

async function onSentinel (prefix: string, input: ConfigInput = {}, logLines?: string[]): Promise<FastifyInstance> {
  return await gateway(t, fakes, { ...input, redis: { sentinel: { name: sentinel.name, nodes: sentinel.sentinelUrls }, keyPrefix: prefix } }, logLines)
}

t.test('two instances behind Sentinel share keys, cache and limits; /readyz names the master and the sentinels', async (t) => {
  const prefix = uniquePrefix()
  const one = await onSentinel(prefix)
  const two = await onSentinel(prefix)
  const limited = await createKey(one, { rpm: 2 })
  t.equal((await chat(two, limited.key)).statusCode, 200, 'a key created on one instance works on the other')
  t.equal((await chat(one, limited.key)).statusCode, 200)
  t.equal((await chat(two, limited.key)).statusCode, 429, 'rpm 2 counted across both')

  const inputs = ['sentinel one', 'sentinel two', `sentinel ${prefix}`]
  const reader = await createKey(two, {})
  t.equal((await embed(one, reader.key, inputs)).headers['x-qiao-cache'], 'miss')
  t.equal((await embed(two, reader.key, inputs)).headers['x-qiao-cache'], 'hit', 'what one embedded, the other serves')

  const ready = (await one.inject({ method: 'GET', url: '/readyz' })).json()
  t.equal(ready.redis.topology, 'sentinel')
  t.equal(ready.redis.name, 'qiao-main')
  t.equal(ready.redis.state, 'up')
  t.same(ready.redis.nodes[0], { address: `127.0.0.1:${await sentinel.masterPort()}`, role: 'master', state: 'up' }, 'the master qiao is connected to')
  t.same(ready.redis.nodes.slice(1).map((n: { address: string, role: string, state: string }) => `${n.role} ${n.address} ${n.state}`),
    sentinel.sentinelUrls.map((url) => `sentinel ${url.replace('redis://', '')} up`), 'every sentinel answers')
})

t.test('the master killed under load: the replica takes over, no request lost, one warning, recovery logged', async (t) => {
  const prefix = uniquePrefix()
  const logLines: string[] = []
  const app = await onSentinel(prefix, { cache: { embeddings: { timeout: '200ms' } } }, logLines)
  let oldMaster = 0
  let newMaster = 0
  const run = await loadThroughOutage(app, logLines, async () => {
    oldMaster = await sentinel.masterPort()
    await sentinel.kill(oldMaster)
    newMaster = await sentinel.waitForMaster(oldMaster)
  })
  t.equal(run.beforeOutage, 200, 'the key is seen before the outage')
  t.not(newMaster, oldMaster, 'the sentinels promoted the replica')
  t.ok(run.statuses.length > 20, `${run.statuses.length} requests during the run`)
  t.same([...new Set(run.statuses)], [200], 'every request answered 200')
  t.equal(run.warnings, 1, 'one warning for the outage')
  t.equal(run.recoveries, 1, 'one line when it is over')

  const inputs = [`after failover ${prefix}`]
  await embed(app, run.key, inputs)
  t.equal((await embed(app, run.key, inputs)).headers['x-qiao-cache'], 'hit', 'the cache works on the new master')
  t.equal((await admin(app, 'GET', `/admin/keys/${run.keyId}`)).statusCode, 200, 'admin keys were replicated to the new master')
  const ready = (await app.inject({ method: 'GET', url: '/readyz' })).json()
  t.same(ready.redis.nodes[0], { address: `127.0.0.1:${newMaster}`, role: 'master', state: 'up' }, '/readyz names the new master')
  await sentinel.restart(oldMaster)
})
