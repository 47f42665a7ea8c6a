// Console sessions: a key exchanged for a signed HttpOnly cookie that acts like that key, revocable, same-origin only.
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, BOB, MASTER, admin, gateway, uniquePrefix } from '../auth/setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const keys = [{ id: 'alice', key: ALICE, models: ['deepseek/*'] }, { id: 'bob', key: BOB }]
const SAME = { 'sec-fetch-site': 'same-origin' }

async function signIn (app: FastifyInstance, key: string): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'POST', url: '/console/session', headers: SAME, payload: { key } })
}

function cookieOf (res: LightMyRequestResponse): string {
  const header = String(res.headers['set-cookie'])
  return header.split(';')[0] ?? ''
}

const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({ cookie, ...extra })

t.test('the master key signs in to an HttpOnly, SameSite=Strict cookie that opens the admin API', async (t) => {
  const app = await gateway(t, fakes, { keys })
  const res = await signIn(app, MASTER)
  t.equal(res.statusCode, 200)
  t.same(res.json(), { role: 'master' })
  const header = String(res.headers['set-cookie'])
  t.match(header, /HttpOnly/)
  t.match(header, /SameSite=Strict/)
  t.notMatch(header, /Secure/, 'plain HTTP: not Secure, or the browser would drop it')
  t.notMatch(header, new RegExp(MASTER), 'the cookie never carries the key')
  const list = await app.inject({ url: '/admin/keys', headers: withCookie(cookieOf(res)) })
  t.equal(list.statusCode, 200)
  t.equal((await app.inject({ url: '/admin/me', headers: withCookie(cookieOf(res)) })).json().role, 'master')
})

t.test('a wrong key gets 401 and no cookie; a tampered cookie is refused', async (t) => {
  const app = await gateway(t, fakes, { keys })
  const res = await signIn(app, 'sk-wrong-0123456789abcdef')
  t.equal(res.statusCode, 401)
  t.notOk(res.headers['set-cookie'])
  const good = cookieOf(await signIn(app, MASTER))
  const tampered = good.replace(/=(.)/, (_m, c: string) => `=${c === 'A' ? 'B' : 'A'}`)
  t.equal((await app.inject({ url: '/admin/keys', headers: withCookie(tampered) })).statusCode, 401)
})

t.test('signing out revokes the session: the old cookie no longer works', async (t) => {
  const app = await gateway(t, fakes, { keys })
  const cookie = cookieOf(await signIn(app, MASTER))
  const out = await app.inject({ method: 'DELETE', url: '/console/session', headers: withCookie(cookie, SAME) })
  t.equal(out.statusCode, 200)
  t.match(String(out.headers['set-cookie']), /qiao_session=;/)
  t.equal((await app.inject({ url: '/admin/keys', headers: withCookie(cookie) })).statusCode, 401)
})

t.test('state-changing calls with the cookie must come from the same origin', async (t) => {
  const app = await gateway(t, fakes, { keys })
  const cookie = cookieOf(await signIn(app, MASTER))
  const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/admin/keys', headers: withCookie(cookie, headers), payload: {} })
  t.equal((await post({ 'sec-fetch-site': 'cross-site' })).statusCode, 403)
  t.equal((await post({ origin: 'https://evil.example' })).statusCode, 403)
  t.equal((await post({})).statusCode, 403, 'no origin information at all')
  t.equal((await post({ origin: 'http://localhost:80', host: 'localhost:80' })).statusCode, 201)
  t.equal((await post(SAME)).statusCode, 201)
  const crossSignIn = await app.inject({ method: 'POST', url: '/console/session', headers: { 'sec-fetch-site': 'cross-site' }, payload: { key: MASTER } })
  t.equal(crossSignIn.statusCode, 403, 'no login CSRF either')
  t.equal((await admin(app, 'POST', '/admin/keys', {})).statusCode, 201, 'a Bearer key needs no origin check')
})

t.test('a member session acts as its key: own data only, its models, and it ends when the key is revoked', async (t) => {
  const app = await gateway(t, fakes, { keys: [keys[1]!] })
  const created = (await admin(app, 'POST', '/admin/keys', { id: 'carol', models: ['deepseek/*'] })).json() as { key: string }
  const res = await signIn(app, created.key)
  t.same(res.json(), { role: 'member' })
  const cookie = cookieOf(res)
  const me = (await app.inject({ url: '/admin/me', headers: withCookie(cookie) })).json()
  t.equal(me.role, 'member')
  t.equal(me.key.id, 'carol')
  t.same(me.key.models, ['deepseek/*'])
  t.notOk(me.key.key, 'never the secret')
  t.equal((await app.inject({ url: '/admin/keys', headers: withCookie(cookie) })).statusCode, 403)
  t.equal((await app.inject({ url: '/admin/keys/bob', headers: withCookie(cookie) })).statusCode, 403)
  const chat = (model: string) => app.inject({ method: 'POST', url: '/v1/chat/completions', headers: withCookie(cookie, SAME), payload: { model, messages: [{ role: 'user', content: 'hi' }] } })
  t.equal((await chat('deepseek/deepseek-chat')).statusCode, 200)
  t.equal((await chat('zhipu/glm-4.6')).statusCode, 403, 'the key\'s model list applies')
  await app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { authorization: `Bearer ${BOB}` }, payload: { model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }] } })
  let usage: { series: Array<{ key: string }> } = { series: [] }
  for (let i = 0; i < 100 && usage.series.length === 0; i++) {
    usage = (await app.inject({ url: '/admin/usage?key=bob', headers: withCookie(cookie) })).json()
  }
  t.ok(usage.series.length > 0)
  t.ok(usage.series.every((row) => row.key === 'carol'), 'asking for another key still answers about its own')
  await admin(app, 'DELETE', '/admin/keys/carol')
  t.equal((await app.inject({ url: '/admin/me', headers: withCookie(cookie) })).statusCode, 401)
})

t.test('a gateway key with Bearer may read its own /admin/me and usage, nothing else', async (t) => {
  const app = await gateway(t, fakes, { keys })
  const me = await app.inject({ url: '/admin/me', headers: { authorization: `Bearer ${ALICE}` } })
  t.equal(me.json().key.id, 'alice')
  t.equal((await admin(app, 'GET', '/admin/keys', undefined, ALICE)).statusCode, 403)
})

t.test('with Redis, a session made on one replica works on another and signing out ends it on both', async (t) => {
  const prefix = uniquePrefix()
  const one = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  const two = await gateway(t, fakes, { keys, redisUrl: redis.url, prefix })
  const cookie = cookieOf(await signIn(one, MASTER))
  t.equal((await two.inject({ url: '/admin/keys', headers: withCookie(cookie) })).statusCode, 200)
  await two.inject({ method: 'DELETE', url: '/console/session', headers: withCookie(cookie, SAME) })
  t.equal((await one.inject({ url: '/admin/keys', headers: withCookie(cookie) })).statusCode, 401)
})
