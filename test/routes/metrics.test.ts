import t from 'tap'
import { build, providersFor, startFakes } from '../helper.js'

t.test('/metrics counts requests by route, provider, status and failure class, and times upstreams and first tokens', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor(fakes) })
  const payload = { model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }] }
  await app.inject({ method: 'POST', url: '/v1/chat/completions', payload })
  await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { ...payload, stream: true } })
  fakes.deepseek.enqueue({ kind: 'error', status: 500, body: { error: { message: 'boom', type: 'server_error', param: null, code: null } } })
  await app.inject({ method: 'POST', url: '/v1/chat/completions', payload })

  const response = await app.inject({ url: '/metrics' })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain/)
  const text = response.body
  t.match(text, /qiao_requests_total\{route="\/v1\/chat\/completions",status="200",model="deepseek\/deepseek-chat",provider="deepseek",failure=""\} 2/)
  t.match(text, /qiao_requests_total\{route="\/v1\/chat\/completions",status="502",model="deepseek\/deepseek-chat",provider="deepseek",failure="provider_error"\} 1/)
  t.match(text, /qiao_time_to_first_token_seconds_count\{provider="deepseek",model="deepseek\/deepseek-chat"\} 1/)
  t.match(text, /qiao_upstream_latency_seconds_count\{provider="deepseek"\} 2/)
  t.match(text, /qiao_tokens_total\{direction="out",model="deepseek\/deepseek-chat",key="anonymous"\} \d+/, 'without keys, tokens are anonymous')
})

t.test('process and Node.js metrics keep their standard names, and every *_total is a counter', async (t) => {
  const app = await build(t, { providers: [] })
  const text = (await app.inject({ url: '/metrics' })).body
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds']) {
    t.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exported unprefixed`)
  }
  t.notMatch(text, /qiao_process_|qiao_nodejs_/, 'no prefixed copies of the standard metrics')
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name, type }))
  // prom-client's standard nodejs_active_*_total are gauges under their standard names; qiao's own follow the rule.
  const totals = types.filter((m) => m.name?.startsWith('qiao_') === true && m.name.endsWith('_total'))
  t.ok(totals.some((m) => m.name === 'qiao_embedding_cache_hits_total'), 'the cache counters are listed')
  t.same(totals.filter((m) => m.type !== 'counter'), [], 'no gauge or other type is named *_total')
})

t.test('tokens are counted per key id: the key itself never appears', async (t) => {
  const fakes = await startFakes(t)
  const secret = 'sk-carol-0123456789abcdef'
  const master = 'master-key-0123456789abcdef'
  const app = await build(t, { providers: providersFor(fakes), keys: [{ id: 'carol', key: secret }], auth: { masterKey: master } })
  const payload = { model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }] }
  for (const key of [secret, master]) {
    t.equal((await app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { authorization: `Bearer ${key}` }, payload })).statusCode, 200)
  }
  const text = (await app.inject({ url: '/metrics' })).body
  t.match(text, /qiao_tokens_total\{direction="in",model="deepseek\/deepseek-chat",key="carol"\} \d+/)
  t.match(text, /qiao_tokens_total\{direction="in",model="deepseek\/deepseek-chat",key="\(master\)"\} \d+/)
  t.notOk(text.includes(secret) || text.includes(master), 'no key in the metrics')
})

t.test('metrics can be switched off', async (t) => {
  const app = await build(t, { providers: [], metrics: { enabled: false } })
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 404)
})
