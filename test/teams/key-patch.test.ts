// PATCH /admin/keys/{id}: a key's team, models, limits, budget and expiry change in place; the secret stays.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, chat, createKey, gateway, uniquePrefix, type Store } from '../auth/setup.js'
import { call, failure } from './setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const keys = [{ id: 'alice', key: ALICE, team: 'red' }]
const ZHIPU = { model: 'zhipu/glm-4.6' }

for (const store of ['memory', 'redis'] as const satisfies Store[]) {
  t.test(`${store} store`, async (t) => {
    const app = await gateway(t, fakes, { keys, redisUrl: store === 'redis' ? redis.url : undefined })

    t.test('a new model list applies at once to the same key', async (t) => {
      const { id, key } = await createKey(app, { models: ['deepseek/*'] })
      t.equal((await chat(app, key, ZHIPU)).statusCode, 403)
      const res = await call(app, 'PATCH', `/admin/keys/${id}`, { models: ['zhipu/*'] })
      t.equal(res.statusCode, 200)
      t.match(res.json(), { id, models: ['zhipu/*'], source: 'admin' })
      t.notOk(res.body.includes(key), 'the answer holds no secret')
      t.notOk(res.body.includes('sha256'), 'nor a hash')
      t.equal((await chat(app, key, ZHIPU)).statusCode, 200, 'the same secret works with the new list')
      t.same(failure(await chat(app, key)), { status: 403, code: 'model_not_allowed', param: 'model' })
    })

    t.test('given fields change, null clears one, the rest stays', async (t) => {
      const { id } = await createKey(app, { team: 'blue', rpm: 5, tpm: 500, budget: { tokens: 10, period: 'day' } })
      const res = await call(app, 'PATCH', `/admin/keys/${id}`, { team: 'green', rpm: null, expiresAt: '2099-01-01T00:00:00Z', budget: { amount: 3, period: 'month' } })
      t.match(res.json(), { team: 'green', rpm: null, tpm: 500, expiresAt: '2099-01-01T00:00:00Z', budget: { amount: 3, period: 'month' } })
      t.equal((await call(app, 'PATCH', `/admin/keys/${id}`, { team: null })).json().team, 'default', 'team null: the default team')
    })

    t.test('GET shows one key with this period\'s spend next to its limits, and never its secret', async (t) => {
      const { id, key } = await createKey(app, { rpm: 7, budget: { tokens: 100000, period: 'day' } })
      const before = await call(app, 'GET', `/admin/keys/${id}`)
      t.equal(before.statusCode, 200)
      t.match(before.json(), { id, rpm: 7, budget: { tokens: 100000, period: 'day' }, source: 'admin' })
      t.same(before.json().spend, { period: 'day', tokens: 0, amount: null, currency: 'CNY', rpm: 0, tpm: null })
      t.notOk(before.body.includes(key))
      t.equal((await chat(app, key)).statusCode, 200)
      const { spend } = (await call(app, 'GET', `/admin/keys/${id}`)).json()
      t.equal(spend.rpm, 1, 'one request in the last minute')
      t.ok(spend.tokens > 0, 'tokens charged to the budget')
      t.same((await call(app, 'GET', '/admin/keys/alice')).json().spend, { period: null, tokens: null, amount: null, currency: 'CNY', rpm: null, tpm: null })
    })

    t.test('an expiry in the past stops the key; clearing it revives the same key', async (t) => {
      const { id, key } = await createKey(app)
      await call(app, 'PATCH', `/admin/keys/${id}`, { expiresAt: '2000-01-01T00:00:00Z' })
      t.equal((await chat(app, key)).statusCode, 401)
      await call(app, 'PATCH', `/admin/keys/${id}`, { expiresAt: null })
      t.equal((await chat(app, key)).statusCode, 200)
    })

    t.test('a config key is a 409 key_in_config, an unknown one a 404 key_not_found', async (t) => {
      t.same(failure(await call(app, 'PATCH', '/admin/keys/alice', { rpm: 1 })), { status: 409, code: 'key_in_config', param: null })
      t.same(failure(await call(app, 'PATCH', '/admin/keys/nobody', { rpm: 1 })), { status: 404, code: 'key_not_found', param: null })
      t.same(failure(await call(app, 'GET', '/admin/keys/nobody')), { status: 404, code: 'key_not_found', param: null })
    })

    t.test('bad input is a 400 naming the field, and nothing changes', async (t) => {
      const { id } = await createKey(app, { rpm: 3 })
      t.match(failure(await call(app, 'PATCH', `/admin/keys/${id}`, { rpm: 0 })), { status: 400, param: 'rpm' })
      t.match(failure(await call(app, 'PATCH', `/admin/keys/${id}`, { expiresAt: '2025-13-45T99:00:00Z' })), { status: 400, param: 'expiresAt' })
      t.match(failure(await call(app, 'PATCH', `/admin/keys/${id}`, { budget: { period: 'day' } })), { status: 400, param: 'budget' })
      t.match(failure(await call(app, 'PATCH', `/admin/keys/${id}`, { team: '' })), { status: 400, param: 'team' })
      t.equal((await call(app, 'PATCH', `/admin/keys/${id}`, { key: 'sk-my-own-key-123' })).statusCode, 400, 'the secret cannot be set')
      t.equal((await call(app, 'GET', `/admin/keys/${id}`)).json().rpm, 3)
    })
  })
}

t.test('with Redis, a patched key reaches another instance within a second', async (t) => {
  const prefix = uniquePrefix()
  const one = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  const two = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  const { id, key } = await createKey(one, { models: ['deepseek/*'] })
  t.equal((await chat(two, key)).statusCode, 200, 'the other instance has seen the key')
  t.equal((await call(one, 'PATCH', `/admin/keys/${id}`, { models: ['zhipu/*'] })).statusCode, 200)
  await sleep(1_100)
  t.equal((await chat(two, key)).statusCode, 403, 'the old list no longer applies there')
  t.equal((await chat(two, key, ZHIPU)).statusCode, 200, 'the new one does, with the same secret')
})
