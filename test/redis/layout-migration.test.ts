// Upgrading over a Redis written by an earlier version: admin keys kept in the two shared hashes and budget
// counters under untagged names move to the slot-tagged layout at start; the keys keep working and the
// month's spend is not forgotten.
import t from 'tap'
import { Redis } from 'ioredis'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakes, type Fakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { admin, chat, gateway, uniquePrefix } from '../auth/setup.js'
import { hashKey } from '../../src/auth/key-hash.js'

let fakes: Fakes
t.before(async () => { fakes = await startFakes(t) })

const OLD_SECRET = 'sk-qiao-made-by-an-earlier-version-0123'

t.test('admin keys and budget spend written by an earlier version work after the upgrade', async (t) => {
  const redis = await startRedis(t)
  const prefix = uniquePrefix()
  const client = new Redis(redis.url, { keyPrefix: prefix })
  t.teardown(() => { client.disconnect() })
  const month = new Date().toISOString().slice(0, 7)
  const record = { id: 'old-key', team: 'ops', budget: { tokens: 45, period: 'month' }, hash: hashKey(OLD_SECRET), source: 'admin', createdAt: '2026-11-01T00:00:00.000Z' }
  await client.hset('auth:keys', record.hash, JSON.stringify(record))
  await client.hset('auth:key-ids', record.id, record.hash)
  await client.set(`limits:budget:old-key:${month}-01`, '40', 'PX', 86_400_000)
  await client.set(`limits:team:spend:ops:${month}-01`, '1500000', 'PX', 86_400_000)

  const logLines: string[] = []
  const app = await gateway(t, fakes, { redisUrl: redis.url, prefix }, logLines)
  const logged = (text: string) => logLines.find((line) => line.includes(text))
  for (let i = 0; i < 50 && logged('budget counters moved') === undefined; i++) await sleep(50)
  t.match(JSON.parse(logged('admin keys moved') ?? '{}'), { keys: 1 }, 'the start says what it moved')
  t.match(JSON.parse(logged('budget counters moved') ?? '{}'), { counters: 2 })

  t.match((await admin(app, 'GET', '/admin/keys/old-key')).json(), { id: 'old-key', team: 'ops', spend: { tokens: 40 } }, 'listed with the spend it had')
  fakes.deepseek.enqueue({ kind: 'text', content: 'ok', usage: { prompt: 4, completion: 2 } })
  t.equal((await chat(app, OLD_SECRET)).statusCode, 200, 'the key made before the upgrade is accepted')
  let spent = 0
  for (let i = 0; i < 50 && spent !== 46; i++) {
    spent = (await admin(app, 'GET', '/admin/keys/old-key')).json().spend.tokens
    if (spent !== 46) await sleep(50)
  }
  t.equal(spent, 46, 'the request is added to the spend carried over')
  const refused = await chat(app, OLD_SECRET)
  t.equal(refused.json().error?.code, 'budget_exceeded', 'the carried-over spend counts against the budget')

  t.equal(await client.exists('auth:keys', 'auth:key-ids', `limits:budget:old-key:${month}-01`, `limits:team:spend:ops:${month}-01`), 0, 'nothing left under the old names')
  t.equal(await client.get(`limits:{team:ops}:spend:${month}-01`), '1500000', 'the team\'s money spend under its tagged name')

  // A second start (another replica, a restart) finds nothing left to move and says nothing.
  const again: string[] = []
  await gateway(t, fakes, { redisUrl: redis.url, prefix }, again)
  await sleep(200)
  t.notOk(again.some((line) => line.includes('moved')), 'nothing moved twice')
  t.equal((await admin(app, 'DELETE', '/admin/keys/old-key')).statusCode, 200)
  await sleep(1_100)
  t.equal((await chat(app, OLD_SECRET)).statusCode, 401, 'and it can be revoked like any other')
})
