// Gateway keys open the rerank and FIM paths as they open chat, and token limits count their estimates.
import t from 'tap'
import { build, providersFor, startFakes } from '../helper.js'

const fakes = await startFakes(t)
const secret = 'sk-rerank-0123456789abcdef'
const tight = 'sk-tight-0123456789abcdef'
const app = await build(t, { providers: providersFor(fakes), keys: [{ id: 'dify', key: secret }, { id: 'tight', key: tight, tpm: 5 }] })
const rerank = { model: 'zhipu/rerank', query: 'capital', documents: ['Paris is the capital of France', 'Berlin'] }
const fim = { model: 'deepseek/deepseek-chat', prompt: 'a', suffix: 'b' }
const call = async (url: string, payload: object, key?: string) =>
  await app.inject({ method: 'POST', url, payload, ...(key !== undefined ? { headers: { authorization: `Bearer ${key}` } } : {}) })

t.test('a gateway key opens /v2/rerank and /beta/completions; no key is a 401', async (t) => {
  t.equal((await call('/v2/rerank', rerank, secret)).statusCode, 200)
  t.equal((await call('/beta/completions', fim, secret)).statusCode, 200)
  t.equal((await call('/v2/rerank', rerank)).statusCode, 401)
  t.equal((await call('/beta/completions', fim)).statusCode, 401)
})

t.test('a key\'s tokens-per-minute limit counts a rerank\'s usage', async (t) => {
  const before = fakes.zhipu.requests.length
  const first = await call('/v1/rerank', { ...rerank, documents: ['x'.repeat(400)] }, tight)
  t.equal(first.statusCode, 200, 'admitted while the minute has tokens left')
  const second = await call('/v1/rerank', rerank, tight)
  t.equal(second.statusCode, 429, 'the first rerank used up the minute')
  t.equal(fakes.zhipu.requests.length, before + 1, 'the refused call never reached Zhipu')
})
