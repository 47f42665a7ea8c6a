// format=csv answers the JSON report's rows for finance; bad group_by/format values get a clear 400; buckets
// written before teams were recorded read back under the default team. In memory and in Redis.
import t from 'tap'
import { Redis } from 'ioredis'
import { startRedis } from '../fixtures/redis-server.js'
import { uniquePrefix } from '../auth/setup.js'
import { fieldOf } from '../../src/usage/usage-field.js'
import { STORES, entry, hour, parseCsv, report, reportJson, usageGateway } from './setup.js'

const redis = await startRedis(t)
const METRIC_COLUMNS = ['requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'errors', 'cached_inputs', 'cached_prompt_tokens', 'cost', 'saved_cost']

for (const store of STORES) {
  t.test(`${store} store`, async (t) => {
    const setup = async () => await usageGateway(t, { redisUrl: store === 'redis' ? redis.url : undefined })

    t.test('CSV holds a header row, the rows of the JSON report and a totals row last, money as plain decimals', async (t) => {
      const app = await setup()
      app.auth.usage.record(entry(1, { model: 'plain', prompt_tokens: 7, total_tokens: 7, cost: 1_500_000_000 }))
      app.auth.usage.record(entry(2, { model: 'comma, "quote"', failed: true, cost: 1 }))
      app.auth.usage.record(entry(3, { model: 'line\r\nbreak', saved_cost: 20_000_000 }))
      const res = await report(app, 'format=csv&group_by=team,model')
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/)
      t.match(res.headers['content-disposition'], /^attachment; filename="usage\.csv"$/)
      t.match(res.body, /^team,model,requests,/)
      t.ok(res.body.includes('"comma, ""quote"""'), 'a cell with a comma or a quote is quoted, its quotes doubled')
      const rows = parseCsv(res.body)
      t.same(rows[0], ['team', 'model', ...METRIC_COLUMNS, 'currency'])
      t.same(rows.slice(1), [
        ['red', 'comma, "quote"', '1', '0', '0', '0', '1', '0', '0', '0.000000001', '0', 'CNY'],
        ['red', 'line\r\nbreak', '1', '0', '0', '0', '0', '0', '0', '0', '0.02', 'CNY'],
        ['red', 'plain', '1', '7', '0', '7', '0', '0', '0', '1.5', '0', 'CNY'],
        ['total', '', '3', '7', '0', '7', '1', '0', '0', '1.500000001', '0.02', 'CNY']
      ])
      const json = await reportJson(app, 'group_by=team,model')
      t.same(rows.slice(1, -1).map((row) => row[1]), json.series.map((row) => row['model']), 'the same rows as the JSON report')
    })

    t.test('CSV of an empty range is the header and a totals row of zeros; default columns are hour, key, model', async (t) => {
      const rows = parseCsv((await report(await setup(), 'format=csv')).body)
      t.same(rows, [['hour', 'key', 'model', ...METRIC_COLUMNS, 'currency'], ['total', '', '', '0', '0', '0', '0', '0', '0', '0', '0', '0', 'CNY']])
    })

    t.test('a model name that a spreadsheet would run as a formula is written as text', async (t) => {
      const app = await setup()
      app.auth.usage.record(entry(1, { model: '=HYPERLINK("http://x","y")' }))
      const rows = parseCsv((await report(app, 'format=csv&group_by=model')).body)
      t.equal(rows[1]?.[0], '\'=HYPERLINK("http://x","y")')
      t.equal((await reportJson(app, 'group_by=model')).series[0]?.['model'], '=HYPERLINK("http://x","y")', 'JSON keeps the name as sent')
    })

    t.test('a bad group_by or format is a 400 naming the parameter and the allowed values', async (t) => {
      const app = await setup()
      for (const [query, param, says] of [
        ['group_by=team,colour', 'group_by', /"colour"; expected a comma-separated list of hour, day, team, key, model/],
        ['group_by=', 'group_by', /""; expected/],
        ['group_by=hour,day', 'group_by', /hour and day exclude each other/],
        ['format=xlsx', 'format', /"xlsx"; expected one of json, csv/]
      ] as const) {
        const res = await report(app, query)
        t.equal(res.statusCode, 400, query)
        t.same(Object.keys(res.json().error).sort(), ['code', 'message', 'param', 'type'])
        t.match(res.json().error, { type: 'invalid_request_error', param, code: 'invalid_value', message: says }, query)
      }
    })
  })
}

t.test('buckets written before teams were recorded read back under the default team (memory)', async (t) => {
  const app = await usageGateway(t)
  const old = new Map([['alice\tm\trequests', 2], ['alice\tm\ttotal_tokens', 30], ['alice\tm\tno_such_metric', 5]])
  await app.auth.usage.store.add(new Map([[hour(1), old]]))
  app.auth.usage.record(entry(1, { team: 'red', total_tokens: 4 }))
  const body = await reportJson(app, 'group_by=team,key')
  t.same(body.series.map((row) => [row['team'], row['key'], row['requests'], row['total_tokens']]), [['default', 'alice', 2, 30], ['red', 'alice', 1, 4]])
  t.match((await reportJson(app, 'team=default')).totals, { requests: 2, total_tokens: 30 })
})

t.test('hashes written before teams were recorded read back under the default team (redis)', async (t) => {
  const prefix = uniquePrefix()
  const app = await usageGateway(t, { redisUrl: redis.url, prefix })
  const client = new Redis(redis.url, { keyPrefix: prefix })
  t.teardown(() => { client.disconnect() })
  await client.hincrby(`usage:${hour(1)}`, 'alice\tfast\trequests', 3)
  await client.hincrby(`usage:${hour(1)}`, 'alice\tfast\tprompt_tokens', 12)
  app.auth.usage.record(entry(1, { team: 'red', model: 'fast', prompt_tokens: 1 }))
  await app.auth.usage.flush()
  t.ok(await client.hexists(`usage:${hour(1)}`, fieldOf('red', 'alice', 'fast', 'prompt_tokens')), 'new counts go to the same hash, with their team')
  const body = await reportJson(app, 'group_by=team,model')
  t.same(body.series.map((row) => [row['team'], row['model'], row['requests'], row['prompt_tokens']]), [['default', 'fast', 3, 12], ['red', 'fast', 1, 1]])
})
