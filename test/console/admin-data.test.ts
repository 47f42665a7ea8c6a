// The admin data the console's Overview, Providers and Settings read: live stats (with Redis's topology), and the config with secrets redacted.
import t from 'tap'
import { KEYS, startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, MASTER, admin, chat, gateway } from '../auth/setup.js'
import { redact } from '../../src/routes/admin-config.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)

t.test('GET /admin/config shows the effective config with every key, token and password replaced', async (t) => {
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE }] })
  const res = await admin(app, 'GET', '/admin/config')
  t.equal(res.statusCode, 200)
  for (const secret of [MASTER, ALICE, KEYS.deepseek, KEYS.zhipu, KEYS.modelscope]) t.notMatch(res.body, secret)
  const config = res.json()
  t.equal(config.auth.masterKey, '[redacted]')
  t.equal(config.keys[0].id, 'alice', 'what is not secret stays readable')
  t.equal((await admin(app, 'GET', '/admin/config', undefined, ALICE)).statusCode, 403, 'master only')
})

t.test('redact replaces credentials and query strings in URLs', async (t) => {
  t.same(redact({ redis: { url: 'redis://user:pw@host:6379/0' } }), { redis: { url: 'redis://%5Bredacted%5D:%5Bredacted%5D@host:6379/0' } })
  t.same(redact({ webhook: { url: 'https://hooks.example/x?token=abc' } }), { webhook: { url: 'https://hooks.example/x?token=%5Bredacted%5D' } })
  t.same(redact({ budget: { tokens: 5 }, baseUrl: 'http://127.0.0.1:1/v1' }), { budget: { tokens: 5 }, baseUrl: 'http://127.0.0.1:1/v1' })
})

t.test('GET /admin/stats reports latency, providers and their failures since start', async (t) => {
  const app = await gateway(t, fakes, {})
  await chat(app, MASTER)
  const stats = (await admin(app, 'GET', '/admin/stats')).json()
  t.equal(stats.metrics, true)
  t.ok(stats.latency.count >= 1)
  t.ok(stats.latency.p50 > 0)
  const deepseek = stats.providers.find((p: { id: string }) => p.id === 'deepseek')
  t.equal(deepseek.requests, 1)
  t.same(deepseek.models, ['deepseek-chat', 'deepseek-reasoner'])
  t.ok(deepseek.circuits.every((c: { state: string }) => c.state === 'closed'), 'circuits closed')
  t.equal((await admin(app, 'GET', '/admin/stats', undefined, ALICE)).statusCode, 401, 'unknown key')
})

t.test('GET /admin/stats reports Redis: null without it, its topology and nodes with it', async (t) => {
  const without = await gateway(t, fakes, {})
  t.equal((await admin(without, 'GET', '/admin/stats')).json().redis, null, 'no Redis configured')
  const app = await gateway(t, fakes, { redisUrl: redis.url })
  t.same((await admin(app, 'GET', '/admin/stats')).json().redis, {
    topology: 'server',
    state: 'up',
    nodes: [{ address: `127.0.0.1:${redis.port}`, role: 'master', state: 'up' }]
  })
})
