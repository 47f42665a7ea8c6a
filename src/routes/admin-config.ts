// GET /admin/config: the effective configuration, read-only, every secret replaced, for the console's Settings.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { errorResponses } from '../schemas/error.js'

const REDACTED = '[redacted]'
/** Field names that hold a secret wherever they appear (provider apiKey, keys[].key, masterKey, webhook secret). */
const SECRET_FIELD = /(^key$|apikey|masterkey|secret|token|password|authorization)/i

/** A copy of `value` with secrets replaced; credentials in URLs (redis://user:pass@host) are replaced too. */
export function redact (value: unknown, field = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, redact(inner, name)]))
  }
  if (typeof value !== 'string') return value
  if (SECRET_FIELD.test(field) && field !== 'tokens') return REDACTED
  return redactUrl(value)
}

function redactUrl (value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value
  try {
    const url = new URL(value)
    if (url.username === '' && url.password === '' && url.search === '') return value
    if (url.username !== '') url.username = REDACTED
    if (url.password !== '') url.password = REDACTED
    // Query strings often carry tokens (webhooks): keep the names only.
    for (const name of [...url.searchParams.keys()]) url.searchParams.set(name, REDACTED)
    return url.toString()
  } catch {
    return value
  }
}

export const adminConfigRoutes: FastifyPluginAsync = async (app) => {
  app.get('/admin/config', {
    schema: {
      tags: ['admin'],
      summary: 'The effective configuration (defaults, file and environment merged), with every key, token and password redacted',
      security: [{ bearer: [] }],
      response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses(401, 403) }
    }
  }, async () => redact(app.config) as Record<string, unknown>)
}
