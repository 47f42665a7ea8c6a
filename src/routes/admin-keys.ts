// The admin API for gateway keys (master key only, enforced by plugins/auth.ts).
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { ConflictError } from '../auth/errors.js'
import { DEFAULT_TEAM, viewOf } from '../auth/key-record.js'
import { InvalidRequestError, NotFoundError } from '../errors/gateway-error.js'
import { errorResponses } from '../schemas/error.js'
import { CreatedKeySchema, DeletedKeySchema, KeyIdParams, KeyListSchema, KeyPolicyBody } from '../schemas/admin.js'

const security = [{ bearer: [] }]

export const adminKeyRoutes: FastifyPluginAsync = async (app) => {
  app.post('/admin/keys', {
    schema: {
      tags: ['admin'],
      summary: 'Create a gateway key (its secret is in this answer only)',
      security,
      body: KeyPolicyBody,
      response: { 201: CreatedKeySchema, ...errorResponses(400, 401, 403, 409, 503) }
    }
  }, async (request, reply) => {
    const body = request.body as Static<typeof KeyPolicyBody>
    if (body.expiresAt !== undefined && Number.isNaN(Date.parse(body.expiresAt))) {
      throw new InvalidRequestError(`expiresAt is not an ISO-8601 time: ${body.expiresAt}`, { param: 'expiresAt' })
    }
    const { record, key } = await app.auth.keys.create({ ...body, team: body.team ?? DEFAULT_TEAM })
    void reply.code(201)
    return { ...viewOf(record), key }
  })

  app.get('/admin/keys', {
    schema: {
      tags: ['admin'],
      summary: 'List gateway keys (never a key or its hash)',
      security,
      response: { 200: KeyListSchema, ...errorResponses(401, 403, 503) }
    }
  }, async () => ({ data: (await app.auth.keys.list()).map((record) => ({ ...viewOf(record), source: record.source })) }))

  app.delete('/admin/keys/:id', {
    schema: {
      tags: ['admin'],
      summary: 'Revoke a key made through the admin API (effective on every replica within a second)',
      security,
      params: KeyIdParams,
      response: { 200: DeletedKeySchema, ...errorResponses(401, 403, 404, 409, 503) }
    }
  }, async (request) => {
    const { id } = request.params as Static<typeof KeyIdParams>
    const outcome = await app.auth.keys.revoke(id)
    if (outcome === 'config') throw new ConflictError(`The key '${id}' is defined in the config file; remove it there`, { code: 'key_in_config' })
    if (outcome === 'unknown') throw new NotFoundError(`No key with id '${id}'`, { code: 'key_not_found' })
    return { id, deleted: true as const }
  })
}
