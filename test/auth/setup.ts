// Shared setup of the team-key tests: fixed keys, a gateway over fake upstreams, admin calls, usage polling.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import { build, providersFor, type Fakes, type Teardown } from '../helper.js'
import type { ConfigInput } from '../../src/config/schema.js'

export const MASTER = 'master-key-0123456789abcdef'
export const ALICE = 'sk-alice-0123456789abcdef'
export const BOB = 'sk-bob-0123456789abcdef'

export type Store = 'memory' | 'redis'

export const uniquePrefix = () => `test:${process.pid}:${Math.random().toString(36).slice(2)}:`

/** A gateway with the master key and the given keys; `redisUrl`/`prefix` share Redis state between instances. */
export async function gateway (t: Teardown, fakes: Partial<Fakes>, input: ConfigInput & { redisUrl?: string | undefined, prefix?: string }, logLines?: string[]): Promise<FastifyInstance> {
  const { redisUrl, prefix, ...rest } = input
  const config: ConfigInput = {
    providers: providersFor(fakes),
    models: [{ name: 'fast', targets: ['deepseek/deepseek-chat'] }],
    auth: { masterKey: MASTER },
    ...(redisUrl !== undefined ? { redis: { url: redisUrl, keyPrefix: prefix ?? uniquePrefix() } } : {}),
    ...rest
  }
  return await build(t, config, logLines !== undefined ? { logLines } : {})
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

export async function chat (app: FastifyInstance, key: string | undefined, body: Record<string, unknown> = {}): Promise<LightMyRequestResponse> {
  return await app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: key === undefined ? {} : bearer(key),
    payload: { model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }], ...body }
  })
}

export async function admin (app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, key = MASTER): Promise<LightMyRequestResponse> {
  return await app.inject({ method, url, headers: bearer(key), ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) })
}

export async function createKey (app: FastifyInstance, policy: Record<string, unknown> = {}): Promise<{ id: string, key: string }> {
  const res = await admin(app, 'POST', '/admin/keys', policy)
  if (res.statusCode !== 201) throw new Error(`POST /admin/keys answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

export interface UsageBody {
  totals: Record<string, number>
  series: Array<Record<string, string | number> & { hour: string, key: string, model: string }>
}

/**
 * Usage is recorded when each answer has finished, after the client may already have it: poll until
 * `done` holds (or give up after 3 s and return the last answer for the assertions to report).
 */
export async function usageWhen (app: FastifyInstance, done: (body: UsageBody) => boolean, query = ''): Promise<UsageBody> {
  let body: UsageBody = { totals: {}, series: [] }
  for (let i = 0; i < 150; i++) {
    body = (await admin(app, 'GET', `/admin/usage${query}`)).json()
    if (done(body)) return body
    await sleep(20)
  }
  return body
}

/** Until `n` requests of the key are recorded: their token corrections have then reached the limit store too. */
export async function settled (app: FastifyInstance, key: string, n: number): Promise<void> {
  await usageWhen(app, (body) => body.totals['requests'] === n, `?key=${key}`)
}
