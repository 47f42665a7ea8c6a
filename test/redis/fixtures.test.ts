// The Redis Cluster and Sentinel fixtures do what a client notices: slot routing works, and a killed master
// is replaced so writes succeed again within seconds.
import t from 'tap'
import { Cluster, Redis } from 'ioredis'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedisCluster } from '../fixtures/redis-cluster.js'
import { startRedisSentinel } from '../fixtures/redis-sentinel.js'

/** Milliseconds until `write` first succeeds, or an error after `timeoutMs`. */
async function writableWithin (timeoutMs: number, write: () => Promise<unknown>): Promise<number> {
  const started = Date.now()
  for (;;) {
    try {
      await write()
      return Date.now() - started
    } catch (err) {
      if (Date.now() - started > timeoutMs) throw err
      await sleep(200)
    }
  }
}

t.test('cluster: keys in different slots, and a killed master replaced by its replica', async (t) => {
  const started = Date.now()
  const cluster = await startRedisCluster(t, { masters: 3, replicasPerMaster: 1 })
  t.comment(`cluster of 6 started in ${Date.now() - started} ms`)
  t.equal(cluster.urls.length, 3)
  t.equal(cluster.nodes.length, 6)
  const client = new Cluster(cluster.urls, { retryDelayOnClusterDown: 200, clusterRetryStrategy: () => 200 })
  t.teardown(() => { client.disconnect() })
  // Connection errors while a node is down are expected here; the writes below are what is checked.
  client.on('error', () => {})

  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
  for (const key of keys) await client.set(key, `v-${key}`)
  for (const key of keys) t.equal(await client.get(key), `v-${key}`)
  const slots = new Set(await Promise.all(keys.map(async (key) => await client.cluster('KEYSLOT', key))))
  t.ok(slots.size > 1, 'the keys live in different slots')
  const before = await cluster.masterPorts()
  t.equal(before.length, 3)

  // Kill the master that owns key `a`.
  const slot = await client.cluster('KEYSLOT', 'a')
  const ranges = await client.cluster('SLOTS')
  const owner = ranges.find(([from, to]) => from <= slot && slot <= to)?.[2]?.[1]
  t.ok(owner !== undefined && before.includes(owner), 'a master owns key a')
  await cluster.kill(owner ?? 0)
  const tookMs = await writableWithin(10000, async () => await client.set('a', 'after'))
  t.comment(`key a writable again ${tookMs} ms after its master was killed`)
  t.equal(await client.get('a'), 'after')
  await cluster.waitHealthy()
  const after = await cluster.masterPorts()
  t.equal(after.length, 3)
  t.notOk(after.includes(owner ?? 0), 'the killed master is no master any more')
  t.not(after.join(), before.join(), 'masterPorts() changed')

  // The killed node comes back as a replica, and the cluster stays healthy.
  await cluster.restart(owner ?? 0)
  await cluster.waitHealthy()
  t.same(await cluster.masterPorts(), after, 'the returning node does not take its slots back')
})

t.test('sentinel: writes continue against the new master after the old one is killed', async (t) => {
  const started = Date.now()
  const setup = await startRedisSentinel(t)
  t.comment(`sentinel setup started in ${Date.now() - started} ms`)
  const master = await setup.masterPort()
  t.equal(master, setup.redisPorts[0])
  const sentinels = setup.sentinelUrls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) }))
  const client = new Redis({ sentinels, name: setup.name, maxRetriesPerRequest: 1, retryStrategy: () => 200 })
  t.teardown(() => { client.disconnect() })
  client.on('error', () => {})

  await client.set('k', 'before')
  t.equal(await client.get('k'), 'before')
  await setup.kill(master)
  const tookMs = await writableWithin(15000, async () => await client.set('k', 'after'))
  t.comment(`writable again ${tookMs} ms after the master was killed`)
  const next = await setup.waitForMaster(master)
  t.equal(next, setup.redisPorts[1], 'the replica was promoted')
  t.equal(await client.get('k'), 'after')
})
