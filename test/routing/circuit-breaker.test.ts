// Circuit breakers per target (provider/model): `failures` consecutive failures open the circuit, the
// target is skipped for the cool-down (listed on /readyz and in metrics), then one trial request decides.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { startFakeDeepSeek } from '../fixtures/fake-upstreams/index.js'
import { build, listen, openai, providersFor, startFakes } from '../helper.js'
import { chats, HI, LONG_TEXT } from './support.js'

const serverError = {
  kind: 'error' as const,
  status: 500,
  body: { error: { message: 'Internal server error', type: 'server_error', param: null, code: 'internal_error' } }
}

const chat = async (app: FastifyInstance, model = 'deepseek/deepseek-chat') =>
  await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model, messages: HI } })

const circuits = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/readyz' })).json().circuits

/** The circuit changes the log recorded, as "from>to" for one target. */
const transitions = (logLines: string[], target: string): string[] => logLines
  .map((line) => JSON.parse(line))
  .filter((entry) => entry.target === target && typeof entry.from === 'string')
  .map((entry) => `${String(entry.from)}>${String(entry.to)}`)

t.test('after `failures` consecutive failures the target is skipped and /readyz lists its circuit open', async (t) => {
  const fakes = await startFakes(t)
  const logLines: string[] = []
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { circuitBreaker: { failures: 2, cooldown: '30s' } }) }, { logLines })
  fakes.deepseek.enqueue(serverError, serverError)
  t.equal((await chat(app)).statusCode, 502, 'first failure')
  t.same(await circuits(app), [], 'one failure leaves the circuit closed')
  t.equal((await chat(app)).statusCode, 502, 'second failure')

  const skipped = await chat(app)
  t.equal(skipped.statusCode, 503)
  t.equal(skipped.headers['x-qiao-error'], 'provider_unavailable')
  t.equal(skipped.headers['x-qiao-attempts'], '0', 'no upstream request was made')
  t.match(skipped.json(), { error: { type: 'api_error', code: 'upstream_unavailable', message: /circuit open/ } })
  t.equal(chats(fakes.deepseek).length, 2, 'the backend saw only the two failures')

  t.same(await circuits(app), [{ target: 'deepseek/deepseek-chat', state: 'open' }])
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200, 'an open circuit does not make the gateway unready')
  t.match((await app.inject({ method: 'GET', url: '/metrics' })).body, /qiao_circuit_open\{target="deepseek\/deepseek-chat"\} 1/)
  t.same(transitions(logLines, 'deepseek/deepseek-chat'), ['closed>open'], 'the opening was logged once')
})

t.test('after the cool-down one trial request goes through and its success closes the circuit', async (t) => {
  const fakes = await startFakes(t)
  const logLines: string[] = []
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { circuitBreaker: { failures: 2, cooldown: '300ms' } }) }, { logLines })
  fakes.deepseek.enqueue(serverError, serverError)
  await chat(app)
  await chat(app)
  await sleep(400)
  t.same(await circuits(app), [{ target: 'deepseek/deepseek-chat', state: 'half_open' }], 'half-open once the cool-down is over')
  const trial = await chat(app)
  t.equal(trial.statusCode, 200)
  t.equal(trial.headers['x-qiao-attempts'], '1')
  t.equal(trial.json().choices[0].message.content, 'Hello from deepseek')
  t.equal(chats(fakes.deepseek).length, 3, 'the trial reached the backend')
  t.same(await circuits(app), [], 'closed again')
  t.equal((await chat(app)).statusCode, 200, 'and traffic flows')
  t.equal(chats(fakes.deepseek).length, 4)
  t.same(transitions(logLines, 'deepseek/deepseek-chat'), ['closed>open', 'open>half_open', 'half_open>closed'], 'each change of state was logged')
})

t.test('a streamed trial closes the circuit once the stream has completed', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { circuitBreaker: { failures: 1, cooldown: '300ms' } }) })
  const base = await listen(app)
  fakes.deepseek.enqueue(serverError)
  t.equal((await chat(app)).statusCode, 502, 'one failure opens the circuit')
  await sleep(400)
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'deepseek/deepseek-chat', messages: HI, stream: true })
  })
  t.equal(res.headers.get('x-qiao-attempts'), '1')
  t.match(await res.text(), /data: \[DONE\]\n\n$/, 'the trial stream completed')
  t.same(await circuits(app), [], 'closed again')
  t.equal(chats(fakes.deepseek).length, 2)
})

t.test('a failed trial opens the circuit again', async (t) => {
  const fakes = await startFakes(t)
  const logLines: string[] = []
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { circuitBreaker: { failures: 2, cooldown: '300ms' } }) }, { logLines })
  fakes.deepseek.enqueue(serverError, serverError, serverError)
  await chat(app)
  await chat(app)
  await sleep(400)
  const trial = await chat(app)
  t.equal(trial.statusCode, 502, 'the trial failed')
  t.equal(chats(fakes.deepseek).length, 3, 'the trial reached the backend')
  t.same(transitions(logLines, 'deepseek/deepseek-chat'), ['closed>open', 'open>half_open', 'half_open>open'], 'one failed trial is enough to reopen')
})

t.test('while half-open only one trial request at a time reaches the backend', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: providersFor({ deepseek: fakes.deepseek }, { circuitBreaker: { failures: 1, cooldown: '300ms' }, timeouts: { firstByte: '500ms' } })
  })
  fakes.deepseek.enqueue(serverError, { kind: 'hang' })
  t.equal((await chat(app)).statusCode, 502, 'one failure opens the circuit')
  await sleep(400)
  const trial = chat(app)
  await fakes.deepseek.waitForRequests(2)
  const second = await chat(app)
  t.equal(second.statusCode, 503, 'a second request during the trial is turned away')
  t.equal(second.headers['x-qiao-attempts'], '0')
  t.equal((await trial).statusCode, 504, 'the trial itself timed out')
  t.equal(chats(fakes.deepseek).length, 2, 'only the trial reached the backend')
})

t.test('an alias skips a target whose circuit is open and goes straight to the next one', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: providersFor(fakes, { circuitBreaker: { failures: 2, cooldown: '30s' } }),
    models: [{ name: 'chat', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }]
  })
  fakes.deepseek.enqueue(serverError, serverError)
  for (let i = 0; i < 2; i++) {
    const res = await chat(app, 'chat')
    t.equal(res.headers['x-qiao-provider'], 'zhipu', `request ${i} fell back`)
    t.equal(res.headers['x-qiao-attempts'], '2')
  }
  const res = await chat(app, 'chat')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-qiao-provider'], 'zhipu')
  t.equal(res.headers['x-qiao-attempts'], '1', 'the open target cost no attempt')
  t.equal(chats(fakes.deepseek).length, 2, 'deepseek was not asked again')
  t.equal(chats(fakes.zhipu).length, 3)
})

t.test('400-class answers about the request do not count against the target', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { circuitBreaker: { failures: 2, cooldown: '30s' } }) })
  const badRequest = { kind: 'error' as const, status: 400, body: { error: { message: 'Invalid request', type: 'invalid_request_error', param: null, code: 'invalid_request_error' } } }
  fakes.deepseek.enqueue(badRequest, badRequest, badRequest)
  for (let i = 0; i < 3; i++) t.equal((await chat(app)).statusCode, 400, `bad request ${i}`)
  const res = await chat(app)
  t.equal(res.statusCode, 200, 'the target is still in service')
  t.equal(chats(fakes.deepseek).length, 4)
  t.same(await circuits(app), [])
})

t.test('streams that keep breaking mid-way open the circuit like any other failure', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { circuitBreaker: { failures: 2, cooldown: '30s' } }) })
  const base = await listen(app)
  fakes.deepseek.enqueue({ kind: 'midStreamError' }, { kind: 'midStreamError' })
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek/deepseek-chat', messages: HI, stream: true })
    })
    t.equal(res.status, 200, `stream ${i} started`)
    t.match(await res.text(), /"code":"upstream_stream_broken"/, `stream ${i} broke`)
  }
  t.same(await circuits(app), [{ target: 'deepseek/deepseek-chat', state: 'open' }], 'two broken streams in a row open the circuit')
  const skipped = await chat(app)
  t.equal(skipped.statusCode, 503)
  t.equal(skipped.headers['x-qiao-attempts'], '0')
  t.equal(chats(fakes.deepseek).length, 2, 'the backend was not asked a third time')
})

t.test('a client that leaves a stream early does not count against the target', async (t) => {
  const slow = await startFakeDeepSeek({ chunkDelayMs: 20 })
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: providersFor({ deepseek: slow }, { circuitBreaker: { failures: 1, cooldown: '30s' } }) })
  const client = openai(await listen(app))
  slow.enqueue({ kind: 'text', content: LONG_TEXT })
  const stream = await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: HI, stream: true })
  for await (const chunk of stream) {
    if ((chunk.choices[0]?.delta.content ?? '').length > 0) break // leaving the loop aborts the request
  }
  await slow.waitForClosedConnections(1)
  t.same(await circuits(app), [], 'still closed')
  t.equal((await chat(app)).statusCode, 200)
  t.equal(chats(slow).length, 2)
})
