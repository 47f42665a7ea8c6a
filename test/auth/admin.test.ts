// The admin API: master key only; keys created (secret shown once), listed (never a secret), revoked.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { listen, openai, startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, BOB, MASTER, admin, bearer, chat, createKey, gateway, uniquePrefix, type Store } from './setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const keys = [{ id: 'alice', key: ALICE, team: 'red', rpm: 10 }]

for (const store of ['memory', 'redis'] as const satisfies Store[]) {
  t.test(`${store} store`, async (t) => {
    const app = await gateway(t, fakes, { keys, redisUrl: store === 'redis' ? redis.url : undefined })

    t.test('without any key the admin endpoints answer 401', async (t) => {
      for (const [method, url] of [['GET', '/admin/keys'], ['POST', '/admin/keys'], ['DELETE', '/admin/keys/alice'], ['GET', '/admin/usage']] as const) {
        const res = await app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) })
        t.equal(res.statusCode, 401, `${method} ${url}`)
        t.equal(res.json().error.code, 'invalid_api_key')
      }
    })

    t.test('a normal key is refused with 403 permission_error, a wrong one with 401', async (t) => {
      const res = await admin(app, 'GET', '/admin/keys', undefined, ALICE)
      t.equal(res.statusCode, 403)
      t.equal(res.json().error.type, 'permission_error')
      t.equal((await admin(app, 'POST', '/admin/keys', {}, ALICE)).statusCode, 403)
      t.equal((await admin(app, 'GET', '/admin/keys', undefined, 'not-the-master-key')).statusCode, 401)
    })

    t.test('a created key is answered once with its policy and works at once', async (t) => {
      const res = await admin(app, 'POST', '/admin/keys', { id: `carol-${store}`, team: 'blue', models: ['deepseek/*'], rpm: 5, budget: { tokens: 1000, period: 'month' } })
      t.equal(res.statusCode, 201)
      const body = res.json()
      t.match(body.key, /^sk-qiao-[A-Za-z0-9_-]{32,}$/)
      t.same({ ...body, key: 'k', createdAt: 'c' }, {
        id: `carol-${store}`, key: 'k', team: 'blue', models: ['deepseek/*'], rpm: 5, tpm: null, expiresAt: null, budget: { tokens: 1000, period: 'month' }, createdAt: 'c'
      })
      t.ok(Date.parse(body.createdAt) <= Date.now())
      const completion = await openai(await listen(app), { apiKey: body.key }).chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }] })
      t.equal(completion.object, 'chat.completion')
    })

    t.test('a key created without fields gets an id, the default team and no limits', async (t) => {
      const res = await admin(app, 'POST', '/admin/keys', {})
      t.equal(res.statusCode, 201)
      t.match(res.json(), { id: /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, team: 'default', models: null, rpm: null, tpm: null, expiresAt: null, budget: null })
    })

    t.test('the key list shows every key with its source and never a key or a hash', async (t) => {
      const created = await createKey(app, { id: `dave-${store}` })
      const res = await admin(app, 'GET', '/admin/keys')
      t.equal(res.statusCode, 200)
      const data = res.json().data as Array<Record<string, unknown> & { id: string }>
      t.match(data.find((k) => k.id === 'alice'), { team: 'red', rpm: 10, source: 'config', createdAt: null })
      t.match(data.find((k) => k.id === `dave-${store}`), { team: 'default', source: 'admin' })
      t.notOk(res.body.includes(created.key), 'not the created key')
      t.notOk(res.body.includes(ALICE), 'not a config key')
      t.notOk(res.body.includes('sha256'), 'no hash')
      for (const entry of data) t.same(Object.keys(entry).sort(), ['budget', 'createdAt', 'expiresAt', 'id', 'models', 'rpm', 'source', 'team', 'tpm'])
    })

    t.test('an id in use, by the config or the admin API, is a 409', async (t) => {
      t.equal((await admin(app, 'POST', '/admin/keys', { id: 'alice' })).statusCode, 409)
      await createKey(app, { id: `erin-${store}` })
      t.equal((await admin(app, 'POST', '/admin/keys', { id: `erin-${store}` })).statusCode, 409)
    })

    t.test('an invalid policy is a 400', async (t) => {
      t.equal((await admin(app, 'POST', '/admin/keys', { key: 'sk-my-own-key-123' })).statusCode, 400, 'no own secrets')
      t.equal((await admin(app, 'POST', '/admin/keys', { rpm: 0 })).statusCode, 400)
      t.equal((await admin(app, 'POST', '/admin/keys', { expiresAt: '2025-13-45T99:00:00Z' })).statusCode, 400)
    })

    t.test('deleting answers { id, deleted: true }, 404 for an unknown id and 409 for a config key', async (t) => {
      const { id, key } = await createKey(app)
      const res = await admin(app, 'DELETE', `/admin/keys/${id}`)
      t.equal(res.statusCode, 200)
      t.same(res.json(), { id, deleted: true })
      t.equal((await chat(app, key)).statusCode, 401)
      t.equal((await admin(app, 'DELETE', `/admin/keys/${id}`)).statusCode, 404)
      t.equal((await admin(app, 'DELETE', '/admin/keys/alice')).statusCode, 409)
      t.equal((await chat(app, ALICE)).statusCode, 200, 'the config key still works')
    })
  })
}

t.test('without a master key configured the admin API is closed to every key', async (t) => {
  const app = await gateway(t, fakes, { keys, auth: {} })
  t.equal((await admin(app, 'GET', '/admin/keys', undefined, ALICE)).statusCode, 401)
  t.equal((await admin(app, 'GET', '/admin/keys', undefined, MASTER)).statusCode, 401)
})

t.test('with Redis, admin keys survive a restart and a revocation reaches another instance within a second', async (t) => {
  const prefix = uniquePrefix()
  const one = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  const { id, key } = await createKey(one, { id: 'shared' })
  await one.close()
  const two = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  const three = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  t.equal((await chat(two, key)).statusCode, 200, 'a new instance knows the key')
  t.equal((await chat(three, key)).statusCode, 200, 'and so does another one')
  t.equal((await admin(two, 'DELETE', `/admin/keys/${id}`)).statusCode, 200)
  await sleep(1_100)
  t.equal((await chat(three, key)).statusCode, 401, 'the other instance refuses it a second later')
})

t.test('without Redis, admin keys live in one process only', async (t) => {
  const one = await gateway(t, fakes, { keys })
  const two = await gateway(t, fakes, { keys })
  const { key } = await createKey(one)
  t.equal((await chat(one, key)).statusCode, 200)
  t.equal((await chat(two, key)).statusCode, 401)
})

t.test('no gateway key, generated or configured, nor the master key appears in any log line', async (t) => {
  const logLines: string[] = []
  const wrong = 'sk-wrong-key-0123456789'
  const app = await gateway(t, fakes, { keys: [...keys, { id: 'bob', key: BOB }], redisUrl: redis.url }, logLines)
  const base = await listen(app)
  const { key } = await createKey(app, { models: ['deepseek/*'] })
  for (const secret of [ALICE, BOB, key]) {
    await openai(base, { apiKey: secret }).chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }] })
    const stream = await openai(base, { apiKey: secret }).chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }], stream: true })
    for await (const chunk of stream) t.ok(chunk)
  }
  await chat(app, key, { model: 'zhipu/glm-4.6' })
  await chat(app, wrong)
  await app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': BOB } })
  await admin(app, 'GET', '/admin/keys', undefined, ALICE)
  await admin(app, 'GET', '/admin/usage')
  await app.inject({ method: 'GET', url: '/v1/models', headers: bearer(wrong) })
  await app.close()
  t.ok(logLines.length > 10, 'logs were captured')
  for (const secret of [ALICE, BOB, key, MASTER, wrong]) {
    t.notOk(logLines.some((line) => line.includes(secret)), `no log line contains ${secret.slice(0, 8)}…`)
  }
})

t.test('the admin routes are in the OpenAPI document under the admin tag', async (t) => {
  const app = await gateway(t, fakes, { keys })
  const paths = (await app.openapi() as { paths: Record<string, Record<string, { tags?: string[] }>> }).paths
  for (const [path, method] of [['/admin/keys', 'post'], ['/admin/keys', 'get'], ['/admin/keys/{id}', 'delete'], ['/admin/usage', 'get']] as const) {
    t.same(paths[path]?.[method]?.tags, ['admin'], `${method} ${path}`)
  }
})
