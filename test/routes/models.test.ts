// GET /v1/models and /v1/models/{id}: every name a client may send as `model`.
import t from 'tap'
import OpenAI from 'openai'
import { build, listen, openai, providersFor, startFakes } from '../helper.js'
import { startFakeOllama } from '../fixtures/fake-upstreams/index.js'

const fakes = await startFakes(t)
const app = await build(t, {
  providers: providersFor(fakes),
  models: [{ name: 'fast', targets: ['deepseek/deepseek-chat', 'zhipu/glm-4.6'] }]
})

const get = async (url: string) => await app.inject({ method: 'GET', url })
const ids = (body: { data: Array<{ id: string }> }) => body.data.map((m) => m.id)

t.test('the model list is an OpenAI list of model objects', async (t) => {
  const res = await get('/v1/models')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.object, 'list')
  t.ok(body.data.length > 0)
  for (const model of body.data) {
    t.equal(model.object, 'model')
    t.ok(Number.isInteger(model.created), `${String(model.id)} has an integer created`)
    t.type(model.owned_by, 'string')
  }
})

t.test('the model list starts with the aliases, owned by qiao', async (t) => {
  const body = (await get('/v1/models')).json()
  t.same(body.data[0], { id: 'fast', object: 'model', created: body.data[0].created, owned_by: 'qiao' })
})

t.test('the model list names every configured model as provider/model', async (t) => {
  const listed = ids((await get('/v1/models')).json())
  for (const id of ['deepseek/deepseek-chat', 'deepseek/deepseek-reasoner', 'zhipu/glm-4.6', 'zhipu/embedding-3', 'modelscope/Qwen/Qwen3-32B', 'modelscope/Qwen/Qwen3-Embedding-8B']) {
    t.ok(listed.includes(id), id)
  }
  t.notOk(listed.includes('deepseek-chat'), 'no bare names')
})

t.test('Ollama models are discovered from /api/tags', async (t) => {
  const listed = ids((await get('/v1/models')).json())
  t.ok(fakes.ollama.requests.some((r) => r.method === 'GET' && r.path === '/api/tags'), 'the gateway asked Ollama')
  t.same(listed.filter((id) => id.startsWith('ollama/')), ['ollama/llama3.2:latest', 'ollama/qwen3:8b', 'ollama/nomic-embed-text:latest'])
})

t.test('an entry says which provider owns it', async (t) => {
  const body = (await get('/v1/models')).json()
  t.equal(body.data.find((m: { id: string }) => m.id === 'modelscope/Qwen/Qwen3-32B')?.owned_by, 'modelscope')
  t.equal(body.data.find((m: { id: string }) => m.id === 'ollama/qwen3:8b')?.owned_by, 'ollama')
})

t.test('one model is retrieved by an id with slashes in it', async (t) => {
  const res = await get('/v1/models/modelscope/Qwen/Qwen3-32B')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: 'modelscope/Qwen/Qwen3-32B', object: 'model', owned_by: 'modelscope' })
})

t.test('one model is retrieved by an id with percent-encoded slashes', async (t) => {
  const res = await get('/v1/models/modelscope%2FQwen%2FQwen3-32B')
  t.equal(res.statusCode, 200)
  t.equal(res.json().id, 'modelscope/Qwen/Qwen3-32B')
})

t.test('an Ollama model with a tag is retrieved by its id', async (t) => {
  const res = await get('/v1/models/ollama/llama3.2:latest')
  t.equal(res.statusCode, 200)
  t.equal(res.json().id, 'ollama/llama3.2:latest')
})

t.test('an alias is retrieved by its name', async (t) => {
  const res = await get('/v1/models/fast')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: 'fast', owned_by: 'qiao' })
})

t.test('an unknown model id is a 404 model_not_found', async (t) => {
  const res = await get('/v1/models/nobody/nothing')
  t.equal(res.statusCode, 404)
  t.match(res.headers['x-request-id'], /\S/)
  t.same(res.json(), {
    error: { message: res.json().error.message, type: 'invalid_request_error', param: 'model', code: 'model_not_found' }
  })
  t.match(res.json().error.message, 'nobody/nothing')
})

t.test('a bare name is not a model id, even when routing would accept it', async (t) => {
  t.equal((await get('/v1/models/glm-4.6')).statusCode, 404)
})

t.test('the model routes work without /v1', async (t) => {
  t.same(ids((await get('/models')).json()), ids((await get('/v1/models')).json()))
  t.equal((await get('/models/zhipu/glm-4.6')).json().id, 'zhipu/glm-4.6')
})

t.test('the SDK lists and retrieves models, slashes included', async (t) => {
  const client = openai(await listen(app))
  const page = await client.models.list()
  t.ok(page.data.some((m) => m.id === 'modelscope/Qwen/Qwen3-32B'))
  const model = await client.models.retrieve('modelscope/Qwen/Qwen3-32B')
  t.equal(model.id, 'modelscope/Qwen/Qwen3-32B')
  const err = await client.models.retrieve('nobody/nothing').catch((e: unknown) => e)
  t.ok(err instanceof OpenAI.NotFoundError, 'an unknown id is the SDK\'s NotFoundError')
  t.match(err, { code: 'model_not_found' })
})

t.test('with Ollama down the list still has its configured models', async (t) => {
  const down = await startFakeOllama()
  await down.close()
  const app = await build(t, { providers: [{ id: 'ollama', type: 'ollama', baseUrl: down.baseUrl, models: ['llama3.2'] }] })
  const res = await app.inject({ method: 'GET', url: '/v1/models' })
  t.equal(res.statusCode, 200)
  t.same(ids(res.json()), ['ollama/llama3.2'])
})

t.test('configured Ollama models are listed next to the discovered ones', async (t) => {
  const app = await build(t, { providers: [{ id: 'ollama', type: 'ollama', baseUrl: fakes.ollama.baseUrl, models: ['mistral:7b'] }] })
  const res = await app.inject({ method: 'GET', url: '/v1/models' })
  t.same(ids(res.json()), ['ollama/mistral:7b', 'ollama/llama3.2:latest', 'ollama/qwen3:8b', 'ollama/nomic-embed-text:latest'])
})
