// A key may use a model only if its own `models` and its team's both allow it (403 model_not_allowed).
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, BOB, bearer, chat, createKey, gateway, uniquePrefix, type Store } from '../auth/setup.js'
import { call, createTeam, failure } from './setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const keys = [
  { id: 'alice', key: ALICE, team: 'red' },
  { id: 'bob', key: BOB, team: 'red', models: ['deepseek/deepseek-reasoner', 'zhipu/*'] }
]
const teams = [{ id: 'red', models: ['deepseek/*'] }]
const REASONER = { model: 'deepseek/deepseek-reasoner' }
const ZHIPU = { model: 'zhipu/glm-4.6' }

for (const store of ['memory', 'redis'] as const satisfies Store[]) {
  t.test(`${store} store`, async (t) => {
    const app = await gateway(t, fakes, { keys, teams, redisUrl: store === 'redis' ? redis.url : undefined })

    t.test('a key without its own list gets its team\'s', async (t) => {
      t.equal((await chat(app, ALICE)).statusCode, 200)
      t.same(failure(await chat(app, ALICE, ZHIPU)), { status: 403, code: 'model_not_allowed', param: 'model' })
    })

    t.test('a key with its own list gets only what both lists allow', async (t) => {
      t.equal((await chat(app, BOB, REASONER)).statusCode, 200)
      t.equal((await chat(app, BOB)).statusCode, 403, 'the team allows it, the key does not')
      t.equal((await chat(app, BOB, ZHIPU)).statusCode, 403, 'the key allows it, the team does not')
    })

    t.test('/v1/models lists only what both lists allow', async (t) => {
      const res = await app.inject({ method: 'GET', url: '/v1/models', headers: bearer(BOB) })
      t.same(res.json().data.map((m: { id: string }) => m.id), ['deepseek/deepseek-reasoner'])
    })

    t.test('an admin team\'s list applies, and a change to it applies at once', async (t) => {
      await createTeam(app, { id: `blue-${store}`, models: ['zhipu/*'] })
      const { id, key } = await createKey(app, { team: `blue-${store}` })
      t.equal((await chat(app, key)).statusCode, 403)
      t.equal((await chat(app, key, ZHIPU)).statusCode, 200)
      await call(app, 'PATCH', `/admin/teams/blue-${store}`, { models: ['deepseek/*'] })
      t.equal((await chat(app, key)).statusCode, 200)
      t.equal((await chat(app, key, ZHIPU)).statusCode, 403)
      await call(app, 'PATCH', `/admin/teams/blue-${store}`, { models: null })
      t.equal((await chat(app, key, ZHIPU)).statusCode, 200, 'no list: every model')
      t.equal((await call(app, 'GET', `/admin/keys/${id}`)).json().team, `blue-${store}`)
    })

    t.test('moving a key to another team applies that team\'s list at once', async (t) => {
      const { id, key } = await createKey(app, { team: 'red' })
      t.equal((await chat(app, key, ZHIPU)).statusCode, 403)
      await call(app, 'PATCH', `/admin/keys/${id}`, { team: 'elsewhere' })
      t.equal((await chat(app, key, ZHIPU)).statusCode, 200, 'a team without a record is only a label')
    })

    t.test('deleting a team its keys still name lifts its list; the keys keep the name', async (t) => {
      await createTeam(app, { id: `gone-${store}`, models: ['deepseek/*'] })
      const { id, key } = await createKey(app, { team: `gone-${store}` })
      t.equal((await chat(app, key, ZHIPU)).statusCode, 403)
      t.equal((await call(app, 'DELETE', `/admin/teams/gone-${store}`)).statusCode, 200)
      t.equal((await chat(app, key, ZHIPU)).statusCode, 200)
      t.equal((await call(app, 'GET', `/admin/keys/${id}`)).json().team, `gone-${store}`)
    })
  })
}

t.test('with Redis, a team change reaches another instance within a second', async (t) => {
  const prefix = uniquePrefix()
  const one = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  const two = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  await createTeam(one, { id: 'shared', models: ['deepseek/*'] })
  const { key } = await createKey(one, { team: 'shared' })
  t.equal((await chat(two, key, ZHIPU)).statusCode, 403, 'the other instance applies the team')
  await call(one, 'PATCH', '/admin/teams/shared', { models: ['zhipu/*'] })
  await sleep(1_100)
  t.equal((await chat(two, key, ZHIPU)).statusCode, 200, 'and its new list a second later')
  t.equal((await chat(two, key)).statusCode, 403)
})
