// Console sign-in and sign-out (a session cookie, plugins/session.ts) and GET /admin/me, the caller's identity.
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { hashKey, sameHash } from '../auth/key-hash.js'
import { isExpired, viewOf } from '../auth/key-record.js'
import { AuthenticationError } from '../errors/gateway-error.js'
import { errorResponses } from '../schemas/error.js'
import { KeyDetailSchema } from '../schemas/admin.js'
import { spendOf } from './admin-keys.js'

const SignInBody = Type.Object({ key: Type.String({ minLength: 1, description: 'The master key or a gateway key' }) })
const Role = Type.Union([Type.Literal('master'), Type.Literal('member')])
const SessionSchema = Type.Object({ role: Role })
const MeSchema = Type.Object({ role: Role, key: Type.Optional(KeyDetailSchema) })

export const adminSessionRoutes: FastifyPluginAsync = async (app) => {
  const { masterKey } = app.config.auth
  const masterHash = masterKey !== undefined ? hashKey(masterKey) : undefined

  app.post('/console/session', {
    schema: {
      tags: ['admin'],
      summary: 'Sign in to the console: exchanges a key (in the body, never the URL) for an HttpOnly session cookie',
      body: SignInBody,
      response: { 200: SessionSchema, ...errorResponses(400, 401, 403, 503) }
    }
  }, async (request, reply) => {
    app.session.assertSameOrigin(request)
    const { key } = request.body as Static<typeof SignInBody>
    if (masterHash !== undefined && sameHash(hashKey(key), masterHash)) {
      await app.session.start(request, reply, { role: 'master' })
      return { role: 'master' as const }
    }
    const record = await app.auth.keys.lookup(key)
    if (record === undefined || isExpired(record)) throw new AuthenticationError('Invalid or expired key')
    await app.session.start(request, reply, { role: 'member', keyId: record.id })
    return { role: 'member' as const }
  })

  app.delete('/console/session', {
    schema: {
      tags: ['admin'],
      summary: 'Sign out of the console: revokes the session on every replica and clears the cookie',
      response: { 200: Type.Object({ signed_out: Type.Literal(true) }), ...errorResponses(403) }
    }
  }, async (request, reply) => {
    app.session.assertSameOrigin(request)
    await app.session.end(request, reply)
    return { signed_out: true as const }
  })

  app.get('/admin/me', {
    schema: {
      tags: ['admin'],
      summary: 'Who is calling: the master key, or a gateway key with its limits, budget and this period\'s spend',
      security: [{ bearer: [] }],
      response: { 200: MeSchema, ...errorResponses(401, 403, 503) }
    }
  }, async (request) => {
    const record = app.auth.member(request)
    if (record === undefined) return { role: 'master' as const }
    return { role: 'member' as const, key: { ...viewOf(record), source: record.source, spend: await spendOf(app, { ...record, scope: 'key' }) } }
  })
}
