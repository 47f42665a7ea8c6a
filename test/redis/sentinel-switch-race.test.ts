// The sentinels' +switch-master arriving while qiao is already reconnecting (its master died) and is waiting
// for a sentinel to name the new master: the client must still reach the new master. A scripted sentinel
// makes the timing exact: it publishes +switch-master and answers the question only a moment later.
import t from 'tap'
import { once } from 'node:events'
import type { Redis } from 'ioredis'
import { startRedis } from '../fixtures/redis-server.js'
import { scriptedSentinel, until } from '../fixtures/scripted-sentinel.js'
import { connectRedis } from '../../src/redis/connect.js'

const NAME = 'qiao-race'

t.test('a +switch-master that arrives while the client asks a sentinel for the master does not end the client', async (t) => {
  const oldMaster = await startRedis(t)
  const newMaster = await startRedis(t)
  const sentinel = await scriptedSentinel(NAME, oldMaster.port)
  t.teardown(() => { sentinel.close() })

  const connected = await connectRedis({ sentinel: { name: NAME, nodes: [sentinel.url] }, keyPrefix: 'race:' })
  if (connected === undefined) throw new Error('no client')
  const client = connected.client as Redis
  client.on('error', () => {})
  const statuses: string[] = []
  client.on('end', () => { statuses.push('end') })
  t.teardown(() => { client.disconnect() })
  t.ok(await until(5_000, () => client.status === 'ready' && sentinel.subscribers.size > 0), 'connected, the failover detector subscribed')
  await client.set('k', 'on the old master')

  // The old master dies; the reconnecting client asks the sentinel, which announces the switch before it answers.
  sentinel.switchWhileAsked(newMaster.port, 300)
  const lost = once(client, 'close')
  await oldMaster.stop()
  await lost
  t.ok(await until(10_000, () => client.status === 'ready'), `reconnected (status ${client.status})`)
  t.same(statuses, [], 'the client never gave up (status end)')
  t.equal(client.stream.remotePort, newMaster.port, 'on the new master')
  await client.set('k', 'on the new master')
  t.equal(await client.get('k'), 'on the new master')
})
