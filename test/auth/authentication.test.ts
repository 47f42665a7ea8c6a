// Who may call: config keys (key or keyHash), admin keys, Bearer or x-api-key; 401 invalid_api_key otherwise.
import t from 'tap'
import OpenAI from 'openai'
import { build, listen, openai, providersFor, startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { hashKey } from '../../src/auth/key-hash.js'
import { ALICE, BOB, MASTER, admin, bearer, chat, createKey, gateway, type Store } from './setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const ask = { model: 'deepseek/deepseek-chat', messages: [{ role: 'user' as const, content: 'hi' }] }

for (const store of ['memory', 'redis'] as const satisfies Store[]) {
  t.test(`${store} store`, async (t) => {
    const keys = [
      { id: 'alice', key: ALICE, team: 'red' },
      { id: 'bob', keyHash: hashKey(BOB) },
      { id: 'old', key: 'sk-old-0123456789abcdef', expiresAt: '2020-01-01T00:00:00Z' }
    ]
    const app = await gateway(t, fakes, { keys, redisUrl: store === 'redis' ? redis.url : undefined })
    const base = await listen(app)

    t.test('a config key sent as a Bearer token by the SDK is served', async (t) => {
      const completion = await openai(base, { apiKey: ALICE }).chat.completions.create(ask)
      t.equal(completion.choices[0]?.message.content, 'Hello from deepseek')
    })

    t.test('a config key given only by its sha256 hash is served', async (t) => {
      t.equal((await chat(app, BOB)).statusCode, 200)
    })

    t.test('a wrong key is the SDK\'s AuthenticationError with code invalid_api_key', async (t) => {
      const err = await openai(base, { apiKey: 'sk-wrong-0123456789' }).chat.completions.create(ask).catch((e: unknown) => e)
      t.type(err, OpenAI.AuthenticationError)
      t.equal((err as InstanceType<typeof OpenAI.AuthenticationError>).code, 'invalid_api_key')
      t.equal((err as InstanceType<typeof OpenAI.AuthenticationError>).type, 'authentication_error')
    })

    t.test('a missing key is a 401 invalid_api_key, on prefixed and unprefixed routes', async (t) => {
      const routes = [['POST', '/v1/chat/completions'], ['POST', '/chat/completions'], ['POST', '/v1/embeddings'], ['POST', '/embeddings'],
        ['GET', '/v1/models'], ['GET', '/models'], ['GET', '/v1/models/fast']] as const
      for (const [method, url] of routes) {
        const res = await app.inject({ method, url, ...(method === 'POST' ? { payload: {} } : {}) })
        t.equal(res.statusCode, 401, url)
        t.equal(res.json().error.code, 'invalid_api_key', url)
      }
    })

    t.test('a key in x-api-key is accepted', async (t) => {
      const res = await app.inject({ method: 'GET', url: '/v1/models', headers: { 'x-api-key': ALICE } })
      t.equal(res.statusCode, 200)
    })

    t.test('an expired key is refused with 401 invalid_api_key', async (t) => {
      const err = await openai(base, { apiKey: 'sk-old-0123456789abcdef' }).chat.completions.create(ask).catch((e: unknown) => e)
      t.type(err, OpenAI.AuthenticationError)
      t.equal((err as InstanceType<typeof OpenAI.AuthenticationError>).code, 'invalid_api_key')
    })

    t.test('an admin key past its expiresAt is refused', async (t) => {
      const { key } = await createKey(app, { expiresAt: '2021-06-01T00:00:00.000Z' })
      t.equal((await chat(app, key)).statusCode, 401)
    })

    t.test('a revoked admin key stops working at once on the instance that revoked it', async (t) => {
      const { id, key } = await createKey(app)
      t.equal((await chat(app, key)).statusCode, 200)
      t.equal((await admin(app, 'DELETE', `/admin/keys/${id}`)).statusCode, 200)
      const err = await openai(base, { apiKey: key }).chat.completions.create(ask).catch((e: unknown) => e)
      t.type(err, OpenAI.AuthenticationError)
    })

    t.test('the master key may call the API too', async (t) => {
      t.equal((await chat(app, MASTER)).statusCode, 200)
    })

    t.test('health, readiness, the OpenAPI document and docs need no key', async (t) => {
      for (const url of ['/healthz', '/readyz', '/openapi.json', '/docs']) {
        t.not((await app.inject({ method: 'GET', url })).statusCode, 401, url)
      }
    })

    t.test('/metrics is open unless metrics.auth is set', async (t) => {
      t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200)
      const locked = await gateway(t, fakes, { keys, metrics: { auth: true } })
      t.equal((await locked.inject({ method: 'GET', url: '/metrics' })).statusCode, 401)
      t.equal((await locked.inject({ method: 'GET', url: '/metrics', headers: bearer(ALICE) })).statusCode, 403)
      t.equal((await locked.inject({ method: 'GET', url: '/metrics', headers: bearer(MASTER) })).statusCode, 200)
    })
  })
}

t.test('keys of one team share embedding cache entries, other teams do not see them', async (t) => {
  const app = await gateway(t, fakes, {
    keys: [{ id: 'a1', key: 'sk-team-a-one-0123', team: 'a' }, { id: 'a2', key: 'sk-team-a-two-0123', team: 'a' }, { id: 'b1', key: 'sk-team-b-one-0123', team: 'b' }]
  })
  const embed = async (key: string) => (await app.inject({
    method: 'POST', url: '/v1/embeddings', headers: bearer(key), payload: { model: 'ollama/nomic-embed-text', input: 'team secret' }
  })).headers['x-qiao-cache']
  t.equal(await embed('sk-team-a-one-0123'), 'miss')
  t.equal(await embed('sk-team-b-one-0123'), 'miss', 'team b does not see team a\'s entry')
  t.equal(await embed('sk-team-a-two-0123'), 'hit', 'a key of team a does')
})

t.test('with no keys and no master key the gateway runs open on a loopback host', async (t) => {
  const app = await build(t, { providers: providersFor(fakes) })
  t.equal((await chat(app, undefined)).statusCode, 200)
  t.equal((await chat(app, 'any-token-at-all')).statusCode, 200, 'whatever an SDK sends is ignored')
  t.equal((await app.inject({ method: 'GET', url: '/admin/keys' })).statusCode, 401, 'but the admin API is off')
})

t.test('starting open on a non-loopback host fails with a clear message', async (t) => {
  await t.rejects(build(t, { providers: providersFor(fakes), server: { host: '0.0.0.0' } }), /refusing to listen on 0\.0\.0\.0 without authentication/)
})

t.test('a non-loopback host starts with keys, a master key, or allowAnonymous', async (t) => {
  for (const input of [{ keys: [{ id: 'k', key: ALICE }] }, { auth: { masterKey: MASTER } }, { auth: { allowAnonymous: true } }]) {
    const app = await build(t, { providers: providersFor(fakes), server: { host: '0.0.0.0' }, ...input })
    t.ok(app.auth, JSON.stringify(input))
  }
})
