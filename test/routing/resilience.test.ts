// Routing that survives its upstreams: retries, fallbacks, retry-after, refused connections, 400s that must
// not be retried, weighted aliases and client aborts. Each test checks what the client got, what each fake
// upstream saw and x-qiao-attempts (concurrency.test.ts, timeouts.test.ts, circuit-breaker.test.ts,
// shutdown.test.ts and sigterm.test.ts cover the rest of the theme).
import t from 'tap'
import { APIError } from 'openai'
import { startFakeDeepSeek } from '../fixtures/fake-upstreams/index.js'
import { build, KEYS, listen, openai, providersFor, startFakes } from '../helper.js'
import { assertErrorEnding, chats, contentOf, downBackend, HI, LONG_TEXT, sseData } from './support.js'

const rateLimited = (retryAfter: string) => ({
  kind: 'error' as const,
  status: 429,
  body: { error: { message: 'Rate limit reached for requests', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } },
  headers: { 'retry-after': retryAfter }
})

const serverError = {
  kind: 'error' as const,
  status: 500,
  body: { error: { message: 'Internal server error', type: 'server_error', param: null, code: 'internal_error' } }
}

t.test('an upstream that dies mid-stream ends the stream with an error event and nothing is retried after the first byte', async (t) => {
  const fakes = await startFakes(t)
  // Retries and a second target are both available: neither may be used once the answer started.
  const app = await build(t, {
    providers: providersFor(fakes, { retries: 2 }),
    models: [{ name: 'chat', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }]
  })
  const base = await listen(app)
  fakes.deepseek.enqueue({ kind: 'midStreamError' })
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: HI, stream: true })
  })
  t.equal(res.status, 200, 'the status went out before the failure')
  t.equal(res.headers.get('x-qiao-provider'), 'deepseek')
  t.equal(res.headers.get('x-qiao-attempts'), '1')
  const { chunks } = assertErrorEnding(t, await res.text(), 'upstream_stream_broken')
  t.ok(chunks.length >= 1, 'the chunks sent before the failure arrived')
  t.equal(chats(fakes.deepseek).length, 1, 'deepseek was asked once')
  t.equal(chats(fakes.zhipu).length, 0, 'the second target was never asked')
})

t.test('a backend answering 429 with retry-after: 0 five times is retried, then the client gets the 429 with its retry-after', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { retries: 4 }) })
  for (let i = 0; i < 5; i++) fakes.deepseek.enqueue(rateLimited('0'))
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: HI } })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '0', "the backend's retry-after reaches the client")
  t.equal(res.headers['x-qiao-error'], 'provider_rate_limited')
  t.equal(res.headers['x-qiao-attempts'], '5', 'one request and four retries')
  t.match(res.json(), { error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: /Rate limit reached/ } })
  t.equal(chats(fakes.deepseek).length, 5, 'deepseek was asked five times')
})

t.test('a backend that answers 429 with retry-after: 0 and then succeeds serves the client on the retry', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { retries: 1 }) })
  fakes.deepseek.enqueue(rateLimited('0'))
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: HI } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-qiao-attempts'], '2')
  t.equal(res.json().choices[0].message.content, 'Hello from deepseek')
  t.equal(chats(fakes.deepseek).length, 2)
})

t.test('a retry-after longer than maxRetryAfter moves straight to the next target', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: providersFor(fakes, { retries: 3, maxRetryAfter: '1s' }),
    models: [{ name: 'chat', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }]
  })
  fakes.deepseek.enqueue(rateLimited('60'))
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'chat', messages: HI } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-qiao-provider'], 'zhipu')
  t.equal(res.headers['x-qiao-model'], 'glm-4.6')
  t.equal(res.headers['x-qiao-attempts'], '2')
  t.equal(res.json().choices[0].message.content, 'Hello from zhipu')
  t.equal(chats(fakes.deepseek).length, 1, 'deepseek was not retried despite retries: 3')
  t.equal(chats(fakes.zhipu).length, 1)
})

t.test('with no target left, a retry-after longer than maxRetryAfter goes back to the client as a 429 at once', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ deepseek: fakes.deepseek }, { retries: 3, maxRetryAfter: '1s' }) })
  fakes.deepseek.enqueue(rateLimited('60'))
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: HI } })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '60')
  t.equal(res.headers['x-qiao-error'], 'provider_rate_limited')
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.match(res.json(), { error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } })
  t.equal(chats(fakes.deepseek).length, 1, 'deepseek was asked once')
})

t.test('a 500 once then success: the client sees the success with x-qiao-attempts: 2', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: providersFor(fakes, { retries: 1 }),
    models: [{ name: 'chat', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }]
  })
  fakes.deepseek.enqueue(serverError)
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'chat', messages: HI } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-qiao-provider'], 'deepseek', 'the same target, retried')
  t.equal(res.headers['x-qiao-attempts'], '2')
  t.equal(res.json().choices[0].message.content, 'Hello from deepseek')
  t.equal(chats(fakes.deepseek).length, 2)
  t.equal(chats(fakes.zhipu).length, 0)
})

t.test('a streamed request whose first attempt gets a 500 is retried before any byte goes out', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, { providers: providersFor({ zhipu: fakes.zhipu }, { retries: 1 }) })
  const base = await listen(app)
  fakes.zhipu.enqueue({ kind: 'error', status: 500, body: { error: { code: '500', message: 'Internal Error' } } })
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'zhipu/glm-4.6', messages: HI, stream: true })
  })
  t.equal(res.status, 200)
  t.equal(res.headers.get('x-qiao-attempts'), '2')
  const data = sseData(t, await res.text())
  t.equal(data.at(-1), '[DONE]')
  t.equal(contentOf(data.slice(0, -1).map((d) => JSON.parse(d))), 'Hello from zhipu')
  t.equal(chats(fakes.zhipu).length, 2)
})

t.test('with every target down the client gets one clean 503 provider_unavailable', async (t) => {
  const app = await build(t, {
    providers: [
      { id: 'first', type: 'deepseek', baseUrl: await downBackend(), apiKey: KEYS.deepseek, models: ['deepseek-chat'], retries: 1 },
      { id: 'second', type: 'ollama', baseUrl: await downBackend(), models: ['llama3.2'], retries: 1 }
    ],
    models: [{ name: 'chat', targets: ['first/deepseek-chat', 'second/llama3.2'] }]
  })
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'chat', messages: HI } })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['x-qiao-error'], 'provider_unavailable')
  t.equal(res.headers['x-qiao-attempts'], '4', 'two attempts on each target')
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json()
  t.same(Object.keys(body), ['error'], 'one error, nothing else')
  t.match(body.error, { type: 'api_error', code: 'upstream_unavailable', param: null, message: String })
  t.notMatch(body.error.message, /ECONNREFUSED|127\.0\.0\.1/, 'no socket internals')
})

t.test('a streamed request with every target down gets a plain 503 error, not an event stream', async (t) => {
  const app = await build(t, {
    providers: [
      { id: 'first', type: 'deepseek', baseUrl: await downBackend(), apiKey: KEYS.deepseek, models: ['deepseek-chat'], retries: 0 },
      { id: 'second', type: 'zhipu', baseUrl: `${await downBackend()}/api/paas/v4`, apiKey: KEYS.zhipu, models: ['glm-4.6'], retries: 0 }
    ],
    models: [{ name: 'chat', targets: ['first/deepseek-chat', 'second/glm-4.6'] }]
  })
  const client = openai(await listen(app))
  const err = await client.chat.completions.create({ model: 'chat', messages: HI, stream: true }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof APIError, 'the SDK raises an APIError')
  t.match(err, { status: 503, code: 'upstream_unavailable', type: 'api_error' })
  t.equal((err as APIError).headers?.get('x-qiao-error'), 'provider_unavailable')
  t.equal((err as APIError).headers?.get('x-qiao-attempts'), '2')
})

t.test('a 400 from the backend reaches the client: no retry, no fallback', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: providersFor(fakes, { retries: 2 }),
    models: [{ name: 'chat', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }]
  })
  const message = 'Invalid max_tokens value, the valid range of max_tokens is [1, 8192]'
  fakes.deepseek.enqueue({ kind: 'error', status: 400, body: { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_request_error' } } })
  const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'chat', messages: HI, max_tokens: 100000 } })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-qiao-error'], 'caller_invalid_request')
  t.equal(res.headers['x-qiao-attempts'], '1')
  t.match(res.json(), { error: { type: 'invalid_request_error', code: 'invalid_request_error', message: new RegExp(message.replace(/[[\]]/g, '\\$&')) } })
  t.equal(chats(fakes.deepseek).length, 1, 'deepseek was asked once')
  t.equal(chats(fakes.zhipu).length, 0, 'the second target was never asked')
})

t.test('a weighted alias spreads requests by weight, each one served by one target', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: providersFor(fakes),
    models: [{ name: 'spread', strategy: 'weighted', targets: [{ target: 'deepseek/deepseek-chat', weight: 3 }, { target: 'zhipu/glm-4.6', weight: 1 }] }]
  })
  const served: Record<string, number> = {}
  const attempts = new Set<string>()
  // 200 requests, 20 at a time.
  for (let batch = 0; batch < 10; batch++) {
    const answers = await Promise.all(Array.from({ length: 20 }, async () =>
      await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'spread', messages: HI } })))
    for (const res of answers) {
      attempts.add(`${res.statusCode} ${String(res.headers['x-qiao-attempts'])}`)
      const provider = String(res.headers['x-qiao-provider'])
      served[provider] = (served[provider] ?? 0) + 1
    }
  }
  t.same([...attempts], ['200 1'], 'every request succeeded at the first attempt')
  t.same(Object.keys(served).sort(), ['deepseek', 'zhipu'], 'both targets served')
  const heavy = served['deepseek'] ?? 0
  // Expected 150 of 200; the bound is wide enough never to flake (binomial sd ≈ 6).
  t.ok(heavy >= 110 && heavy <= 190, `the weight-3 target served ${heavy} of 200`)
  t.equal(chats(fakes.deepseek).length, heavy, 'deepseek saw exactly the requests it served')
  t.equal(chats(fakes.zhipu).length, 200 - heavy, 'zhipu saw exactly the requests it served')
})

t.test('a weighted alias falls back to the other target when the drawn one is down', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: [
      ...providersFor({ zhipu: fakes.zhipu }),
      { id: 'gone', type: 'deepseek', baseUrl: await downBackend(), apiKey: KEYS.deepseek, models: ['deepseek-chat'], retries: 0, circuitBreaker: { failures: 100 } }
    ],
    models: [{ name: 'spread', strategy: 'weighted', targets: [{ target: 'gone/deepseek-chat', weight: 1 }, { target: 'zhipu/glm-4.6', weight: 1 }] }]
  })
  const outcomes = new Set<string>()
  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'spread', messages: HI } })
    outcomes.add(`${res.statusCode} ${String(res.headers['x-qiao-provider'])} ${String(res.headers['x-qiao-attempts'])}`)
  }
  t.equal(chats(fakes.zhipu).length, 20)
  // Either zhipu was drawn first (1 attempt) or reached after the dead target (2); 20 draws see both.
  t.same([...outcomes].sort(), ['200 zhipu 1', '200 zhipu 2'], 'every request was served by zhipu, after one or two attempts')
})

t.test('a client that aborts mid-stream closes the upstream connection within 100 ms', async (t) => {
  const slow = await startFakeDeepSeek({ chunkDelayMs: 50 })
  t.teardown(async () => { await slow.close() })
  const app = await build(t, { providers: providersFor({ deepseek: slow }, { retries: 1 }) })
  const client = openai(await listen(app))

  /** Streams until a few words arrived, aborts, and times the abort until the backend saw its connection close. */
  const abortMidStream = async (closedBefore: number) => {
    slow.enqueue({ kind: 'text', content: LONG_TEXT })
    const { data: stream, response } = await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: HI, stream: true }).withResponse()
    let received = ''
    let abortedAt = 0
    const reading = (async () => {
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta.content ?? ''
        if (received.includes('word2')) {
          abortedAt = performance.now()
          stream.controller.abort()
        }
      }
    })().catch((e: unknown) => e)
    await slow.waitForClosedConnections(closedBefore + 1)
    const elapsed = performance.now() - abortedAt
    await reading
    return { elapsed, abortedAt, received, attempts: response.headers.get('x-qiao-attempts') }
  }

  // The first abort also pays for compiling the abort path; the second is the one timed.
  const warmUp = await abortMidStream(0)
  t.equal(warmUp.attempts, '1')
  const { elapsed, abortedAt, received, attempts } = await abortMidStream(1)
  t.equal(attempts, '1')
  t.ok(abortedAt > 0, 'the client aborted after a few chunks')
  t.ok(elapsed < 100, `the upstream saw the close ${elapsed.toFixed(1)} ms after the abort`)
  t.ok(received.length < LONG_TEXT.length, 'the client stopped before the end')
  t.equal(slow.closedConnections, 2, 'each aborted stream closed its upstream connection')
  t.equal(chats(slow).length, 2, 'neither aborted stream was retried')
})
