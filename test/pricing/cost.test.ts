// Every request is priced by the target that served it, exactly: JSON answers carry x-qiao-cost, streams are
// priced when they end (a client that left included), the log line and /metrics carry the cost.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { listen, openai, openaiForAbort, startFakes, type Fakes } from '../helper.js'
import { ALICE, gateway } from '../auth/setup.js'

let fakes: Fakes
t.before(async () => { fakes = await startFakes(t) })

const pricing = { currency: 'CNY', models: { 'deepseek/deepseek-chat': { input: 2, cachedInput: 0.5, output: 8 }, 'zhipu/glm-*': { input: 1, output: 4 } } }
// (400 × 2 + 600 × 0.5 + 250 × 8) / 1M = 0.0031
const CACHED = { kind: 'text', content: 'Hello', usage: { prompt: 1000, completion: 250, cached: 600 } } as const

interface LogLine { msg: string, cost?: string, status?: number }
async function requestLines (lines: string[], n: number): Promise<LogLine[]> {
  const parsed = () => lines.map((l) => JSON.parse(l) as LogLine).filter((l) => l.msg === 'request')
  for (let i = 0; i < 250 && parsed().length < n; i++) await sleep(20)
  return parsed()
}

t.test('a chat with cached prompt tokens costs exactly its three parts, priced by the target behind the alias', async (t) => {
  const logLines: string[] = []
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE }], pricing }, logLines)
  const client = openai(await listen(app), { apiKey: ALICE })
  fakes.deepseek.enqueue(CACHED)
  const { data, response } = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }).withResponse()
  t.equal(response.headers.get('x-qiao-cost'), '0.0031')
  t.equal(data.usage?.prompt_tokens_details?.cached_tokens, 600, 'OpenAI\'s own field carries the cached tokens')
  t.equal((data.usage as unknown as Record<string, unknown>)['prompt_cache_hit_tokens'], 600, 'the backend\'s own field is kept')
  t.match((await requestLines(logLines, 1))[0], { cost: '0.0031' })
  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /qiao_cost_total\{key="alice",model="fast"\} 0\.0031/)
})

t.test('Zhipu\'s cached tokens are priced at the input rate when no cachedInput is set', async (t) => {
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE }], pricing }, [])
  const client = openai(await listen(app), { apiKey: ALICE })
  fakes.zhipu.enqueue(CACHED)
  const { data, response } = await client.chat.completions.create({ model: 'zhipu/glm-4.6', messages: [{ role: 'user', content: 'hi' }] }).withResponse()
  // (1000 × 1 + 250 × 4) / 1M
  t.equal(response.headers.get('x-qiao-cost'), '0.002')
  t.equal(data.usage?.prompt_tokens_details?.cached_tokens, 600)
})

t.test('a stream is priced when it ends, and so is a stream the client left', async (t) => {
  const logLines: string[] = []
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE }], pricing }, logLines)
  const client = openaiForAbort(t, await listen(app), { apiKey: ALICE })
  fakes.deepseek.enqueue(CACHED)
  const stream = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
  let usage
  for await (const chunk of stream) usage = chunk.usage ?? usage
  t.equal(usage?.prompt_tokens_details?.cached_tokens, 600)
  t.match((await requestLines(logLines, 1))[0], { cost: '0.0031', status: 200 })

  fakes.deepseek.enqueue({ kind: 'stallMidStream' })
  const controller = new AbortController()
  const left = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'x'.repeat(400) }], stream: true }, { signal: controller.signal })
  let chunks = 0
  for await (const chunk of left) {
    if ((chunk.choices[0]?.delta.content ?? '') !== '') chunks++
    if (chunks === 2) { controller.abort(); break }
  }
  // 100 prompt tokens (estimated: the backend had them) × 2 + 2 streamed tokens × 8 = 216 / 1M
  t.match((await requestLines(logLines, 2))[1], { cost: '0.000216', status: 499 })
})

t.test('a model without a price has no cost header and costs nothing', async (t) => {
  const logLines: string[] = []
  const app = await gateway(t, fakes, {
    pricing: { currency: 'USD', models: {} },
    providers: [{ id: 'other', type: 'openai', baseUrl: fakes.deepseek.baseUrl, apiKey: 'sk-deepseek-test', models: ['deepseek-chat'] }, { id: 'deepseek', type: 'deepseek', baseUrl: fakes.deepseek.baseUrl, apiKey: 'sk-deepseek-test', models: ['deepseek-chat'] }],
    models: []
  }, logLines)
  const client = openai(await listen(app), { apiKey: 'master-key-0123456789abcdef' })
  const { response } = await client.chat.completions.create({ model: 'other/deepseek-chat', messages: [{ role: 'user', content: 'hi' }] }).withResponse()
  t.equal(response.headers.get('x-qiao-cost'), null)
  t.same(app.pricing.warnUnpriced(await app.modelRouter.list()), ['other/deepseek-chat'], 'only the unpriced model is listed (deepseek\'s is built in)')
  const warnings = logLines.map((l) => JSON.parse(l) as { level: number, msg: string, models?: string[] }).filter((l) => l.level === 40)
  t.match(warnings, [{ msg: /^1 served models have no price/, models: ['other/deepseek-chat'] }], 'one warning line at start')
})

t.test('embedding inputs served from the cache cost nothing and record what they saved', async (t) => {
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE }] }, [])
  const client = openai(await listen(app), { apiKey: ALICE })
  const [a, b, c] = ['a', 'b', 'c'].map((ch) => ch.repeat(400)) as [string, string, string]
  // embedding-3 at the built-in 0.5 CNY per 1M tokens; the fake counts 100 tokens per input.
  const first = await client.embeddings.create({ model: 'zhipu/embedding-3', input: [a, b] }).withResponse()
  t.equal(first.response.headers.get('x-qiao-cost'), '0.0001')
  const second = await client.embeddings.create({ model: 'zhipu/embedding-3', input: [a, b, c] }).withResponse()
  t.equal(second.response.headers.get('x-qiao-cache-hits'), '2/3')
  t.equal(second.response.headers.get('x-qiao-cost'), '0.00005', 'only the miss is paid')
  const third = await client.embeddings.create({ model: 'zhipu/embedding-3', input: [c] }).withResponse()
  t.equal(third.response.headers.get('x-qiao-cost'), '0', 'a full hit costs nothing')
  await app.auth.usage.flush()
  const report = (await app.inject({ url: '/admin/usage?group_by=key', headers: { authorization: 'Bearer master-key-0123456789abcdef' } })).json()
  t.match(report.totals, { cost: '0.00015', saved_cost: '0.00015', cached_inputs: 3, requests: 3 }, 'the cache saved 300 tokens at 0.5 per 1M')
})

t.test('a stream carries its cost in an SSE comment before [DONE] when the client asks for it', async (t) => {
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE }], pricing }, [])
  const base = await listen(app)
  fakes.deepseek.enqueue(CACHED)
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json', 'x-qiao-include-cost': 'true' },
    body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream: true })
  })
  t.match(await res.text(), /\n\n: x-qiao-cost 0\.0031\n\ndata: \[DONE\]\n\n$/)
  fakes.deepseek.enqueue(CACHED)
  const plain = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream: true })
  })
  t.notMatch(await plain.text(), /x-qiao-cost/, 'without asking, the stream is OpenAI\'s exactly')
})
