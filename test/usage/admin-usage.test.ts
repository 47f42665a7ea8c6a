// GET /admin/usage: cost and cached prompt tokens summed exactly, grouped by each dimension, filtered by team,
// a key that moved team counted under the team of each request; in memory and in Redis.
import t from 'tap'
import { startRedis } from '../fixtures/redis-server.js'
import { toNanos } from '../../src/pricing/money.js'
import { STORES, day, entry, hour, reportJson, usageGateway } from './setup.js'

const redis = await startRedis(t)
const counts = (over: Record<string, number | string>) => ({
  requests: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, errors: 0, cached_inputs: 0, cached_prompt_tokens: 0, cost: '0', saved_cost: '0', ...over
})

for (const store of STORES) {
  t.test(`${store} store`, async (t) => {
    const setup = async (currency?: string) => await usageGateway(t, { redisUrl: store === 'redis' ? redis.url : undefined, ...(currency !== undefined ? { currency } : {}) })

    t.test('rows gain cost, cached_prompt_tokens and saved_cost; the report names the currency', async (t) => {
      const app = await setup()
      app.auth.usage.record(entry(1, { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, cached_prompt_tokens: 64, cost: toNanos(0.0123), saved_cost: toNanos(0.5) }))
      const body = await reportJson(app)
      t.equal(body.currency, 'CNY')
      const sums = counts({ requests: 1, prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, cached_prompt_tokens: 64, cost: '0.0123', saved_cost: '0.5' })
      t.same(body.series, [{ hour: hour(1), key: 'alice', model: 'm', ...sums }])
      t.same(body.totals, sums)
      t.equal((await reportJson(await setup('USD'))).currency, 'USD')
    })

    t.test('money is summed in whole nanos and never drifts', async (t) => {
      const app = await setup()
      for (let i = 0; i < 1000; i++) app.auth.usage.record(entry(1, { cost: 1 }))
      app.auth.usage.record(entry(2, { model: 'a', cost: toNanos(0.1) }))
      app.auth.usage.record(entry(2, { model: 'b', cost: toNanos(0.2) }))
      const body = await reportJson(app, 'group_by=model')
      t.same(body.series.map((row) => [row['model'], row['cost']]), [['a', '0.1'], ['b', '0.2'], ['m', '0.000001']])
      t.equal(body.totals['cost'], '0.300001')
    })

    t.test('sums past 2^53 nanos (9 million units) stay exact', async (t) => {
      const app = await setup()
      app.auth.usage.record(entry(1, { cost: 5e15 + 1 }))
      app.auth.usage.record(entry(2, { cost: 5e15 + 2 }))
      t.equal((await reportJson(app, 'group_by=key')).totals['cost'], '10000000.000000003')
    })

    t.test('group_by picks the dimensions a row carries, each alone', async (t) => {
      const app = await setup()
      app.auth.usage.record(entry(1, { cost: 1 }))
      app.auth.usage.record(entry(2, { key: 'bob', team: 'blue', model: 'n', cost: 2 }))
      app.auth.usage.record(entry(25, { cost: 4 }))
      const rows = async (groupBy: string) => (await reportJson(app, `group_by=${groupBy}`)).series.map((row) => {
        const { requests, cost, ...labels } = row
        return { ...Object.fromEntries(Object.entries(labels).filter(([name]) => ['hour', 'day', 'team', 'key', 'model'].includes(name))), requests, cost }
      })
      t.same(await rows('hour'), [{ hour: hour(1), requests: 1, cost: '0.000000001' }, { hour: hour(2), requests: 1, cost: '0.000000002' }, { hour: hour(25), requests: 1, cost: '0.000000004' }])
      t.same(await rows('day'), [{ day: day(0), requests: 2, cost: '0.000000003' }, { day: day(1), requests: 1, cost: '0.000000004' }])
      t.same(await rows('team'), [{ team: 'blue', requests: 1, cost: '0.000000002' }, { team: 'red', requests: 2, cost: '0.000000005' }])
      t.same(await rows('key'), [{ key: 'alice', requests: 2, cost: '0.000000005' }, { key: 'bob', requests: 1, cost: '0.000000002' }])
      t.same(await rows('model'), [{ model: 'm', requests: 2, cost: '0.000000005' }, { model: 'n', requests: 1, cost: '0.000000002' }])
    })

    t.test('group_by takes a comma list, in the order asked, a repeated name once', async (t) => {
      const app = await setup()
      app.auth.usage.record(entry(1, { model: 'b', cost: 1 }))
      app.auth.usage.record(entry(2, { model: 'a', cost: 2 }))
      app.auth.usage.record(entry(3, { key: 'bob', team: 'blue', model: 'a', cost: 4 }))
      app.auth.usage.record(entry(26, { model: 'a', cost: 8 }))
      const body = await reportJson(app, 'group_by=model,team,model')
      t.same(body.series, [
        { model: 'a', team: 'blue', ...counts({ requests: 1, cost: '0.000000004' }) },
        { model: 'a', team: 'red', ...counts({ requests: 2, cost: '0.00000001' }) },
        { model: 'b', team: 'red', ...counts({ requests: 1, cost: '0.000000001' }) }
      ])
      t.same(Object.keys(body.series[0] ?? {}).slice(0, 2), ['model', 'team'])
      const daily = await reportJson(app, 'group_by=day,team')
      t.same(daily.series.map((row) => [row['day'], row['team'], row['requests']]), [[day(0), 'blue', 1], [day(0), 'red', 2], [day(1), 'red', 1]])
    })

    t.test('a key that moves team is counted under the team of each request', async (t) => {
      const app = await setup()
      app.auth.usage.record(entry(1, { team: 'red', total_tokens: 10, cost: 100 }))
      app.auth.usage.record(entry(5, { team: 'blue', total_tokens: 30, cost: 300 }))
      app.auth.usage.record(entry(5, { key: 'bob', team: 'red', total_tokens: 1, cost: 1 }))
      const byTeam = await reportJson(app, 'group_by=team,key')
      t.same(byTeam.series.map((row) => [row['team'], row['key'], row['total_tokens'], row['cost']]), [
        ['blue', 'alice', 30, '0.0000003'], ['red', 'alice', 10, '0.0000001'], ['red', 'bob', 1, '0.000000001']
      ])
      const red = await reportJson(app, 'team=red')
      t.same(red.series.map((row) => [row['hour'], row['key']]), [[hour(1), 'alice'], [hour(5), 'bob']])
      t.match(red.totals, { requests: 2, total_tokens: 11, cost: '0.000000101' })
      t.match((await reportJson(app, 'team=blue&key=alice')).totals, { requests: 1, cost: '0.0000003' })
      t.same((await reportJson(app, 'team=green')).series, [])
    })
  })
}
