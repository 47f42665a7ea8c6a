// A key's `models` (names and globs) decide what it may call and what /v1/models shows it.
import t from 'tap'
import OpenAI from 'openai'
import { listen, openai, startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, BOB, bearer, chat, createKey, gateway, type Store } from './setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const keys = [
  { id: 'alice', key: ALICE, models: ['deepseek/*', 'fast', 'ollama/nomic-*'] },
  { id: 'bob', key: BOB }
]

const modelIds = async (app: Awaited<ReturnType<typeof gateway>>, key: string) =>
  (await app.inject({ method: 'GET', url: '/v1/models', headers: bearer(key) })).json().data.map((m: { id: string }) => m.id) as string[]

for (const store of ['memory', 'redis'] as const satisfies Store[]) {
  t.test(`${store} store`, async (t) => {
    const app = await gateway(t, fakes, { keys, redisUrl: store === 'redis' ? redis.url : undefined })
    const base = await listen(app)

    t.test('a model matching a glob or a listed alias is served', async (t) => {
      t.equal((await chat(app, ALICE, { model: 'deepseek/deepseek-reasoner' })).statusCode, 200)
      t.equal((await chat(app, ALICE, { model: 'fast' })).statusCode, 200)
    })

    t.test('any other model is the SDK\'s PermissionDeniedError with code model_not_allowed', async (t) => {
      const before = fakes.zhipu.requests.length
      const err = await openai(base, { apiKey: ALICE }).chat.completions.create({ model: 'zhipu/glm-4.6', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
      t.type(err, OpenAI.PermissionDeniedError)
      t.equal((err as InstanceType<typeof OpenAI.PermissionDeniedError>).code, 'model_not_allowed')
      t.equal((err as InstanceType<typeof OpenAI.PermissionDeniedError>).param, 'model')
      t.equal(fakes.zhipu.requests.length, before, 'nothing reached Zhipu')
    })

    t.test('globs match the name the client sends: a bare name is not provider/model', async (t) => {
      const res = await chat(app, ALICE, { model: 'deepseek-chat' })
      t.equal(res.statusCode, 403)
      t.equal(res.json().error.code, 'model_not_allowed')
    })

    t.test('embeddings are checked the same way', async (t) => {
      const embed = async (model: string) => (await app.inject({ method: 'POST', url: '/v1/embeddings', headers: bearer(ALICE), payload: { model, input: 'x' } })).statusCode
      t.equal(await embed('ollama/nomic-embed-text'), 200)
      t.equal(await embed('zhipu/embedding-3'), 403)
    })

    t.test('/v1/models lists only what the key may use', async (t) => {
      t.same(await modelIds(app, ALICE), ['fast', 'deepseek/deepseek-chat', 'deepseek/deepseek-reasoner', 'ollama/nomic-embed-text:latest'])
      const everything = await modelIds(app, BOB)
      t.ok(everything.includes('zhipu/glm-4.6') && everything.includes('modelscope/Qwen/Qwen3-32B'), 'a key without models sees every model')
      const retrieve = async (key: string) => (await app.inject({ method: 'GET', url: '/v1/models/zhipu/glm-4.6', headers: bearer(key) })).statusCode
      t.equal(await retrieve(ALICE), 404, 'nor can it retrieve a model it may not use')
      t.equal(await retrieve(BOB), 200)
    })

    t.test('an admin key\'s models apply to calls and to the list', async (t) => {
      const { key } = await createKey(app, { models: ['zhipu/glm-*'] })
      t.same(await modelIds(app, key), ['zhipu/glm-4.6', 'zhipu/glm-4.5-air'])
      t.equal((await chat(app, key, { model: 'zhipu/glm-4.6' })).statusCode, 200)
      t.equal((await chat(app, key, { model: 'deepseek/deepseek-chat' })).statusCode, 403)
    })
  })
}
