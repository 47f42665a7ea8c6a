// A client that leaves before or during its answer is still logged once (499, caller_cancelled), counted in
// /metrics, and charged for what it used: the prompt the backend received and the tokens streamed so far.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { listen, openaiForAbort, startFakes, type Fakes } from '../helper.js'
import { ALICE, gateway, MASTER, usageWhen } from '../auth/setup.js'

let fakes: Fakes
t.before(async () => { fakes = await startFakes(t) })

interface LogLine { msg: string, url?: string, status?: number, failure?: string, model?: string, provider?: string, ms?: number, usage?: { prompt?: number, completion?: number } }
const requestLines = (lines: string[]): LogLine[] => lines.map((l) => JSON.parse(l) as LogLine).filter((l) => l.msg === 'request')

async function untilLogged (lines: string[], n: number): Promise<LogLine[]> {
  for (let i = 0; i < 250 && requestLines(lines).length < n; i++) await sleep(20)
  return requestLines(lines)
}

const PROMPT = 'x'.repeat(400) // an estimate of 100 prompt tokens

t.test('a stream the client stops reading is logged, counted and charged for the tokens sent', async (t) => {
  const logLines: string[] = []
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE, tpm: 100_000 }] }, logLines)
  const client = openaiForAbort(t, await listen(app), { apiKey: ALICE })
  fakes.deepseek.enqueue({ kind: 'stallMidStream' })
  const controller = new AbortController()
  const stream = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: PROMPT }], stream: true }, { signal: controller.signal })
  let received = 0
  for await (const chunk of stream) {
    if ((chunk.choices[0]?.delta.content ?? '') !== '') received++
    if (received === 2) {
      controller.abort()
      break
    }
  }
  t.equal(received, 2, 'two chunks read, then the client left')
  const lines = await untilLogged(logLines, 1)
  t.equal(lines.length, 1, 'exactly one request line')
  t.match(lines[0], { url: '/v1/chat/completions', status: 499, failure: 'caller_cancelled', model: 'fast', provider: 'deepseek', usage: { prompt: 100, completion: 2 } })
  t.type(lines[0]?.ms, 'number')

  const usage = await usageWhen(app, (body) => body.totals['requests'] === 1)
  t.match(usage.totals, { requests: 1, prompt_tokens: 100, completion_tokens: 2, total_tokens: 102, errors: 0 }, 'the key pays what it used')
  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /qiao_requests_total\{route="\/v1\/chat\/completions",status="499",model="fast",provider="deepseek",failure="caller_cancelled"\} 1/)
  t.match(metrics, /qiao_tokens_total\{direction="out",model="fast",key="alice"\} 2/)
})

t.test('a request the client aborts before the answer is logged once with 499', async (t) => {
  const logLines: string[] = []
  const app = await gateway(t, fakes, {}, logLines)
  const client = openaiForAbort(t, await listen(app), { apiKey: MASTER })
  fakes.deepseek.enqueue({ kind: 'hang' })
  const controller = new AbortController()
  const seen = fakes.deepseek.requests.length
  const call = client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: PROMPT }] }, { signal: controller.signal })
  await fakes.deepseek.waitForRequests(seen + 1)
  controller.abort()
  await t.rejects(call)
  const lines = await untilLogged(logLines, 1)
  await sleep(100)
  t.equal(requestLines(logLines).length, 1, 'exactly one request line')
  t.match(lines[0], { status: 499, failure: 'caller_cancelled', provider: 'deepseek', usage: { prompt: 100, completion: 0 } })
  const metrics = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${MASTER}` } })).body
  t.match(metrics, /qiao_requests_total\{[^}]*status="499"[^}]*failure="caller_cancelled"\} 1/)
  t.match(metrics, /qiao_tokens_total\{direction="in",model="fast",key="\(master\)"\} 100/)
})

t.test('the log line names the path the client asked for, without its query string', async (t) => {
  const logLines: string[] = []
  const app = await gateway(t, fakes, {}, logLines)
  await app.inject({ url: '/v1/models/deepseek/deepseek-chat?secret=1', headers: { authorization: `Bearer ${MASTER}` } })
  await app.inject({ url: '/docs/static/index.css' })
  const urls = (await untilLogged(logLines, 2)).map((l) => l.url)
  t.same(urls, ['/v1/models/deepseek/deepseek-chat', '/docs/static/index.css'])
})
