// Route schemas are compiled on first use (src/lazy-validation.ts), not at start: every schema still compiles,
// and a request is validated exactly as Fastify's start-time compilation validates it.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { mergeWithDefaults, validateConfig } from '../src/config/load.js'
import { providersFor, startFakes } from './helper.js'
import { MASTER, bearer } from './auth/setup.js'

const fakes = await startFakes(t)
const config = validateConfig(mergeWithDefaults({ providers: providersFor(fakes), auth: { masterKey: MASTER } }))

async function app (compileSchemasAtStart: boolean): Promise<FastifyInstance> {
  const built = await buildApp(config, { compileSchemasAtStart })
  t.teardown(async () => { await built.close() })
  await built.ready()
  return built
}

t.test('every route schema compiles, as Fastify does at start by default', async (t) => {
  await t.resolves(app(true))
})

const valid = { model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }] }
const requests: Array<{ method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown }> = [
  { method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat' } },
  { method: 'POST', url: '/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: 'hi' } },
  { method: 'POST', url: '/v1/chat/completions', payload: { model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }], temperature: 'warm' } },
  { method: 'POST', url: '/v1/embeddings', payload: { model: 'ollama/nomic-embed-text', input: 42 } },
  { method: 'POST', url: '/v1/messages', payload: { model: 'deepseek/deepseek-chat', max_tokens: 'many', messages: [] } },
  { method: 'POST', url: '/v1/responses', payload: { input: 'hi' } },
  { method: 'POST', url: '/v1/rerank', payload: { model: 'x', query: 1, documents: [] } },
  { method: 'POST', url: '/v1/completions', payload: { model: 'deepseek/deepseek-chat' } },
  { method: 'POST', url: '/admin/keys', payload: { rpm: -1, unknown: true } },
  { method: 'PATCH', url: '/admin/keys/nobody', payload: { rpm: 'fast' } },
  { method: 'POST', url: '/admin/teams', payload: { id: 7 } },
  { method: 'GET', url: '/admin/usage?limit=lots' },
  { method: 'POST', url: '/v1/chat/completions', payload: valid }
]

t.test('a request gets the same answer whether its route compiled at start or on first use', async (t) => {
  const [eager, lazy] = await Promise.all([app(true), app(false)])
  for (const request of requests) {
    // Twice on the lazy app: the first call compiles, the second uses what it compiled.
    for (const round of [1, 2]) {
      const options = { method: request.method, url: request.url, headers: bearer(MASTER), ...(request.payload !== undefined ? { payload: request.payload as Record<string, unknown> } : {}) }
      const [a, b] = await Promise.all([eager.inject(options), lazy.inject(options)])
      const label = `${request.method} ${request.url} ${JSON.stringify(request.payload ?? '')} (call ${round})`
      t.equal(b.statusCode, a.statusCode, label)
      t.equal(b.statusCode, request.payload === valid ? 200 : 400, label)
      const strip = (body: string): unknown => {
        const parsed = JSON.parse(body) as Record<string, unknown>
        // Generated per answer.
        for (const field of ['id', 'created', 'request_id']) delete parsed[field]
        return parsed
      }
      t.same(strip(b.body), strip(a.body), label)
    }
  }
})
