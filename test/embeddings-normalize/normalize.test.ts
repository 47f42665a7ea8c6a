// normalizeEmbeddings: unit-length vectors from every backend, float and base64, fresh and cached, kept apart in
// the cache from the same backend's raw vectors; GET /v1/models/{id} says so.
import t from 'tap'
import { build, KEYS, listen, openai, providersFor, startFakes } from '../helper.js'
import { fakeVector } from '../fixtures/fake-upstreams/index.js'

const fakes = await startFakes(t)
const app = await build(t, {
  providers: [
    ...providersFor({ zhipu: fakes.zhipu, ollama: fakes.ollama }, { normalizeEmbeddings: true }),
    { id: 'zhipu-raw', type: 'zhipu', baseUrl: fakes.zhipu.baseUrl, apiKey: KEYS.zhipu, models: ['embedding-3'], retries: 0 }
  ]
})
const client = openai(await listen(app))

const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0))
/** The unit vector a fake's raw vector points along, as float32 (what qiao stores and answers). */
const unit = (v: number[]) => Array.from(new Float32Array(v.map((x) => x / norm(v))))
const asFloat32 = (v: number[]) => Array.from(new Float32Array(v))

for (const [model, raw] of [['zhipu/embedding-3', (text: string) => fakeVector(text, 8)], ['ollama/nomic-embed-text', (text: string) => fakeVector(text, 4)]] as const) {
  t.test(`${model}: float and base64 answers are unit vectors along the backend's, and a cached answer is the same`, async (t) => {
    const input = [`alpha ${model}`, `beta ${model}`]
    const float = await client.embeddings.create({ model, input, encoding_format: 'float' })
    for (const [i, item] of float.data.entries()) {
      t.ok(Math.abs(norm(item.embedding) - 1) < 1e-6, `float ${i} has length 1`)
      t.same(asFloat32(item.embedding), unit(raw(input[i] as string)))
    }
    const calls = (model.startsWith('zhipu') ? fakes.zhipu : fakes.ollama).requests.length
    const cached = await client.embeddings.create({ model, input }) // openai-node asks for base64 and decodes it
    t.equal((model.startsWith('zhipu') ? fakes.zhipu : fakes.ollama).requests.length, calls, 'served from the cache')
    t.same(cached.data.map((d) => asFloat32(d.embedding)), float.data.map((d) => asFloat32(d.embedding)), 'cached base64 decodes to the same vectors')
  })
}

t.test('the same backend without the option answers raw vectors, and the two never share cache entries', async (t) => {
  const input = 'shared text'
  const normalised = await client.embeddings.create({ model: 'zhipu/embedding-3', input, encoding_format: 'float' })
  const res = await app.inject({ method: 'POST', url: '/v1/embeddings', payload: { model: 'zhipu-raw/embedding-3', input, encoding_format: 'float' } })
  t.equal(res.headers['x-qiao-cache'], 'miss', 'the normalised entry is not served for the raw provider')
  t.same(asFloat32(res.json().data[0].embedding), asFloat32(fakeVector(input, 8)))
  t.same(asFloat32(normalised.data[0]?.embedding ?? []), unit(fakeVector(input, 8)))
})

t.test('GET /v1/models/{id} of an embedding model carries its dimensions and normalized', async (t) => {
  t.match((await app.inject({ url: '/v1/models/zhipu/embedding-3' })).json(), { id: 'zhipu/embedding-3', object: 'model', dimensions: 2048, normalized: true })
  const raw = (await app.inject({ url: '/v1/models/zhipu-raw/embedding-3' })).json()
  t.equal(raw.dimensions, 2048)
  t.notOk('normalized' in raw)
  const chat = (await app.inject({ url: '/v1/models/zhipu/glm-4.6' })).json()
  t.same(Object.keys(chat).sort(), ['created', 'id', 'object', 'owned_by'])
})
