// The admin API for teams: created, listed, read with spend, patched, deleted; config teams are read-only.
import t from 'tap'
import { startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, gateway, type Store } from '../auth/setup.js'
import { call, createTeam, failure } from './setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const keys = [{ id: 'alice', key: ALICE, team: 'red' }]
const teams = [{ id: 'red', models: ['deepseek/*'], rpm: 100, budget: { amount: 50, period: 'month' as const } }]
const NO_SPEND = { period: null, tokens: null, amount: null, currency: 'CNY', rpm: null, tpm: null }

for (const store of ['memory', 'redis'] as const satisfies Store[]) {
  t.test(`${store} store`, async (t) => {
    const app = await gateway(t, fakes, { keys, teams, redisUrl: store === 'redis' ? redis.url : undefined })

    t.test('a created team is answered with every field, null when unset', async (t) => {
      const res = await call(app, 'POST', '/admin/teams', { id: 'blue', models: ['zhipu/*'], tpm: 5000, budget: { tokens: 100000, period: 'day' } })
      t.equal(res.statusCode, 201)
      t.same({ ...res.json(), createdAt: 'c' }, {
        id: 'blue', models: ['zhipu/*'], rpm: null, tpm: 5000, budget: { tokens: 100000, period: 'day' }, createdAt: 'c', source: 'admin'
      })
      t.ok(Date.parse(res.json().createdAt) <= Date.now())
    })

    t.test('the list shows config and admin teams with their source', async (t) => {
      await createTeam(app, { id: 'green' })
      const data = (await call(app, 'GET', '/admin/teams')).json().data as Array<{ id: string, source: string }>
      t.match(data.find((team) => team.id === 'red'), { source: 'config', rpm: 100, createdAt: null })
      t.match(data.find((team) => team.id === 'green'), { source: 'admin', models: null, budget: null })
    })

    t.test('one team is shown with a spend object next to its limits', async (t) => {
      const res = await call(app, 'GET', '/admin/teams/red')
      t.equal(res.statusCode, 200)
      t.match(res.json(), { id: 'red', budget: { amount: 50, period: 'month' }, source: 'config' })
      t.same(res.json().spend, { period: 'month', tokens: null, amount: '0', currency: 'CNY', rpm: 0, tpm: null })
      await createTeam(app, { id: 'plain' })
      t.same((await call(app, 'GET', '/admin/teams/plain')).json().spend, NO_SPEND, 'no limits: nothing to show')
    })

    t.test('PATCH changes the given fields, null clears one, others stay', async (t) => {
      await createTeam(app, { id: 'teal', models: ['fast'], rpm: 10, tpm: 1000 })
      const res = await call(app, 'PATCH', '/admin/teams/teal', { rpm: 20, tpm: null, budget: { tokens: 5, period: 'month' } })
      t.equal(res.statusCode, 200)
      t.match(res.json(), { id: 'teal', models: ['fast'], rpm: 20, tpm: null, budget: { tokens: 5, period: 'month' }, source: 'admin' })
      t.match((await call(app, 'GET', '/admin/teams/teal')).json(), { rpm: 20, tpm: null })
      t.equal((await call(app, 'PATCH', '/admin/teams/teal', {})).json().rpm, 20, 'an empty patch changes nothing')
    })

    t.test('DELETE answers { id, deleted: true }; the team is gone', async (t) => {
      await createTeam(app, { id: 'gray' })
      const res = await call(app, 'DELETE', '/admin/teams/gray')
      t.same(res.json(), { id: 'gray', deleted: true })
      t.same(failure(await call(app, 'GET', '/admin/teams/gray')), { status: 404, code: 'team_not_found', param: null })
      t.notOk((await call(app, 'GET', '/admin/teams')).json().data.some((team: { id: string }) => team.id === 'gray'))
    })

    t.test('an unknown team is a 404 team_not_found for GET, PATCH and DELETE', async (t) => {
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await call(app, method, '/admin/teams/nobody', method === 'PATCH' ? { rpm: 1 } : undefined)
        t.same(failure(res), { status: 404, code: 'team_not_found', param: null }, method)
      }
    })

    t.test('a config team cannot be changed or deleted (409), nor its id taken', async (t) => {
      t.same(failure(await call(app, 'PATCH', '/admin/teams/red', { rpm: 1 })), { status: 409, code: 'team_in_config', param: null })
      t.same(failure(await call(app, 'DELETE', '/admin/teams/red')), { status: 409, code: 'team_in_config', param: null })
      t.same(failure(await call(app, 'POST', '/admin/teams', { id: 'red' })), { status: 409, code: 'team_exists', param: 'id' })
      t.equal((await call(app, 'GET', '/admin/teams/red')).json().rpm, 100)
    })

    t.test('an id in use by an admin team is a 409 team_exists', async (t) => {
      await createTeam(app, { id: 'olive' })
      t.same(failure(await call(app, 'POST', '/admin/teams', { id: 'olive' })), { status: 409, code: 'team_exists', param: 'id' })
    })

    t.test('bad input is a 400 naming the field', async (t) => {
      t.same(failure(await call(app, 'POST', '/admin/teams', {})), { status: 400, code: 'missing_required_parameter', param: 'id' })
      t.match(failure(await call(app, 'POST', '/admin/teams', { id: '-x' })), { status: 400, param: 'id' })
      t.match(failure(await call(app, 'POST', '/admin/teams', { id: 'x', rpm: 0 })), { status: 400, param: 'rpm' })
      t.match(failure(await call(app, 'POST', '/admin/teams', { id: 'x', budget: { period: 'month' } })), { status: 400, param: 'budget' })
      t.match(failure(await call(app, 'POST', '/admin/teams', { id: 'x', budget: { tokens: 5, period: 'week' } })), { status: 400, param: 'budget.period' })
      await createTeam(app, { id: 'navy' })
      t.match(failure(await call(app, 'PATCH', '/admin/teams/navy', { models: 'deepseek/*' })), { status: 400, param: 'models' })
      t.match(failure(await call(app, 'PATCH', '/admin/teams/navy', { tpm: -1 })), { status: 400, param: 'tpm' })
      t.equal((await call(app, 'POST', '/admin/teams', { id: 'x', extra: 1 })).statusCode, 400)
      t.equal((await call(app, 'GET', '/admin/teams/x')).statusCode, 404, 'nothing was created')
    })

    t.test('only the master key may use the team routes', async (t) => {
      t.equal((await call(app, 'GET', '/admin/teams', undefined, ALICE)).statusCode, 403)
      t.equal((await call(app, 'POST', '/admin/teams', { id: 'y' }, ALICE)).statusCode, 403)
      t.equal((await app.inject({ method: 'GET', url: '/admin/teams' })).statusCode, 401)
    })
  })
}

t.test('the team routes are in the OpenAPI document under the admin tag', async (t) => {
  const app = await gateway(t, fakes, { keys })
  const paths = (await app.openapi() as { paths: Record<string, Record<string, { tags?: string[] }>> }).paths
  for (const [path, method] of [['/admin/teams', 'post'], ['/admin/teams', 'get'], ['/admin/teams/{id}', 'get'], ['/admin/teams/{id}', 'patch'], ['/admin/teams/{id}', 'delete'], ['/admin/keys/{id}', 'patch'], ['/admin/keys/{id}', 'get']] as const) {
    t.same(paths[path]?.[method]?.tags, ['admin'], `${method} ${path}`)
  }
})
