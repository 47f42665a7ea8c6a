// A sentinel that accepts connections but never answers (a hung process, a proxy in front of a dead one) comes
// first in the list: the client must give up on it and reach the master through the next sentinel. The silent
// sentinel is a bare socket server; the next one is scripted (test/fixtures/scripted-sentinel.ts) and names a
// real redis-server.
import t from 'tap'
import type { Redis } from 'ioredis'
import { startRedis } from '../fixtures/redis-server.js'
import { scriptedSentinel, silentSentinel, until } from '../fixtures/scripted-sentinel.js'
import { connectRedis } from '../../src/redis/connect.js'

const NAME = 'qiao-silent'

t.test('a sentinel that never answers does not keep the client from the master the next sentinel names', async (t) => {
  const master = await startRedis(t)
  const silent = await silentSentinel()
  const answering = await scriptedSentinel(NAME, master.port)
  t.teardown(() => { silent.close(); answering.close() })

  const started = Date.now()
  const connected = await connectRedis({ sentinel: { name: NAME, nodes: [silent.url, answering.url] }, keyPrefix: 'silent:' })
  if (connected === undefined) throw new Error('no client')
  const client = connected.client as Redis
  client.on('error', () => {})
  t.teardown(() => { client.disconnect() })

  const ready = await until(10_000, () => client.status === 'ready')
  t.ok(ready, `ready within 10 s (status ${client.status} after ${Date.now() - started} ms)`)
  t.ok(silent.accepted() > 0, 'the silent sentinel was asked first')
  if (!ready) return
  t.equal(client.stream.remotePort, master.port, 'on the master the answering sentinel names')
  await client.set('k', 'through the second sentinel')
  t.equal(await client.get('k'), 'through the second sentinel')
})
