// POST /v1/rerank as Dify, LangChain's and LlamaIndex's Jina rerankers send it, against a fake Zhipu and a
// fake `openai`-type reranker: sorting, top_n, documents from the request, validation, limits, accounting.
import t from 'tap'
import { build, providersFor, startFakes } from '../helper.js'
import { startFakeOpenAI } from '../fixtures/fake-upstreams/index.js'

const fakes = await startFakes(t)
const jina = await startFakeOpenAI()
t.teardown(async () => { await jina.close() })
const app = await build(t, {
  providers: [...providersFor(fakes), { id: 'xinference', type: 'openai', baseUrl: jina.baseUrl, models: ['bge-reranker-v2-m3'], retries: 0 }],
  pricing: { currency: 'CNY', models: { 'zhipu/rerank': { input: 1000 } } }
})
const DOCS = ['Paris is the capital of France', 'Berlin has many museums', 'The capital of Germany is Berlin']
const rerank = async (payload: object, url = '/v1/rerank') => await app.inject({ method: 'POST', url, payload })

t.test('Dify\'s body to Zhipu: sorted by relevance, top_n applied, indexes into the request, no documents unless asked', async (t) => {
  const res = await rerank({ model: 'zhipu/rerank', query: 'capital of Germany', documents: DOCS, top_n: 2 })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.model, 'zhipu/rerank')
  t.type(body.id, 'string')
  t.same(body.results.map((r: { index: number }) => r.index), [2, 0])
  t.ok(body.results[0].relevance_score > body.results[1].relevance_score)
  t.notOk('document' in body.results[0])
  t.ok(body.usage.total_tokens > 0)
  const sent = fakes.zhipu.requests.at(-1)
  t.match(sent, { method: 'POST', path: '/api/paas/v4/rerank', headers: { authorization: 'Bearer zhipu-test.secret' } })
  t.same(sent?.body, { model: 'rerank', query: 'capital of Germany', documents: DOCS, return_documents: false, top_n: 2 })
})

t.test('return_documents gives { text } from the request, though Zhipu answers a plain string; no top_n asks Zhipu for all (0)', async (t) => {
  const res = await rerank({ model: 'zhipu/rerank', query: 'Berlin', documents: DOCS.map((text) => ({ text })), return_documents: true })
  const body = res.json()
  t.equal(body.results.length, 3)
  for (const r of body.results) t.same(r.document, { text: DOCS[r.index] })
  t.equal(fakes.zhipu.requests.at(-1)?.body.top_n, 0)
})

t.test('a type: openai provider is forwarded to {baseUrl}/rerank, on /rerank and /v2/rerank too', async (t) => {
  for (const url of ['/v1/rerank', '/rerank', '/v2/rerank']) {
    const res = await rerank({ model: 'xinference/bge-reranker-v2-m3', query: 'museums', documents: DOCS, top_n: 1, return_documents: true }, url)
    t.equal(res.statusCode, 200, url)
    t.same(res.json().results.map((r: { index: number, document: unknown }) => [r.index, r.document]), [[1, { text: DOCS[1] }]], url)
  }
  t.match(jina.requests.at(-1), { path: '/v1/rerank', body: { model: 'bge-reranker-v2-m3', query: 'museums', documents: DOCS, top_n: 1 } })
})

t.test('bad input is a 400 naming the field', async (t) => {
  const cases: Array<[object, string]> = [
    [{ query: '', documents: DOCS }, 'query'],
    [{ query: 'q', documents: [] }, 'documents'],
    [{ query: 'q' }, 'documents'],
    [{ query: 'q', documents: DOCS, top_n: 0 }, 'top_n'],
    [{ query: 'q', documents: ['a', 42] }, 'documents[1]']
  ]
  for (const [payload, param] of cases) {
    const res = await rerank({ model: 'zhipu/rerank', ...payload })
    t.equal(res.statusCode, 400, param)
    t.equal(res.json().error.param, param)
  }
})

t.test('Zhipu\'s limits are enforced before calling it: 128 documents, 4,096 characters each', async (t) => {
  const before = fakes.zhipu.requests.length
  const many = await rerank({ model: 'zhipu/rerank', query: 'q', documents: Array.from({ length: 129 }, (_, i) => `doc ${i}`) })
  t.equal(many.statusCode, 400)
  t.equal(many.json().error.param, 'documents')
  const long = await rerank({ model: 'zhipu/rerank', query: 'q', documents: ['short', 'x'.repeat(4097)] })
  t.equal(long.json().error.param, 'documents[1]')
  t.match(long.json().error.message, /4096 characters/)
  t.equal(fakes.zhipu.requests.length, before, 'no call was spent')
})

t.test('a backend without rerank answers 400 saying so', async (t) => {
  for (const model of ['deepseek/deepseek-chat', 'ollama/qwen3:8b', 'modelscope/Qwen/Qwen3-32B']) {
    const res = await rerank({ model, query: 'q', documents: DOCS })
    t.equal(res.statusCode, 400, model)
    t.match(res.json().error, { param: 'model', message: /has no rerank API/ })
  }
})

t.test('Zhipu\'s rerank model is listed in /v1/models', async (t) => {
  const ids = (await app.inject({ url: '/v1/models' })).json().data.map((m: { id: string }) => m.id)
  t.ok(ids.includes('zhipu/rerank'))
})

t.test('usage is priced as prompt tokens, and counted in metrics under the rerank route', async (t) => {
  const res = await rerank({ model: 'zhipu/rerank', query: 'capital', documents: DOCS })
  const tokens = res.json().usage.total_tokens
  t.equal(res.headers['x-qiao-provider'], 'zhipu')
  t.equal(Number(res.headers['x-qiao-cost']), tokens * 1000 / 1e6)
  const metrics = (await app.inject({ url: '/metrics' })).body
  t.match(metrics, /qiao_requests_total\{route="\/v1\/rerank",status="200",model="zhipu\/rerank",provider="zhipu",failure=""\} \d+/)
  t.match(metrics, /qiao_tokens_total\{direction="in",model="zhipu\/rerank",key="anonymous"\} \d+/)
})

t.test('upstream errors map as for chat: a Zhipu 429 business code is a 429', async (t) => {
  fakes.zhipu.enqueue({ kind: 'error', status: 429, body: { error: { code: '1302', message: 'High concurrency' } } })
  const res = await rerank({ model: 'zhipu/rerank', query: 'q', documents: DOCS })
  t.equal(res.statusCode, 429)
  t.match(res.json().error.message, /zhipu: High concurrency/)
})
