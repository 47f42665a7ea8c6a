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
  t.match(text, /qiao_requests_total\{route="\/v1\/chat\/completions",status="502",model="deepseek\/deepseek-chat",provider="",failure="provider_error"\} 1/)
  t.match(text, /qiao_time_to_first_token_seconds_count\{provider="deepseek",model="deepseek\/deepseek-chat"\} 1/)
  t.match(text, /qiao_upstream_latency_seconds_count\{provider="deepseek"\} 2/)
  t.match(text, /qiao_tokens_total\{direction="out",model="deepseek\/deepseek-chat"\} \d+/)
  t.match(text, /qiao_process_cpu_seconds_total/)
})

t.test('metrics can be switched off', async (t) => {
  const app = await build(t, { providers: [], metrics: { enabled: false } })
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 404)
})
