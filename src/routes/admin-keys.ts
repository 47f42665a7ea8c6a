// The admin API for gateway keys (master key only, enforced by plugins/auth.ts).
import type { Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { ConflictError } from '../auth/errors.js'
import { DEFAULT_TEAM, viewOf } from '../auth/key-record.js'
import { checkPolicy } from '../auth/policy-patch.js'
import { spendView, type SpendOwner, type SpendView } from '../auth/spend.js'
import { NotFoundError } from '../errors/gateway-error.js'
import { errorResponses } from '../schemas/error.js'
import { CreatedKeySchema, DeletedKeySchema, KeyDetailSchema, KeyIdParams, KeyListSchema, KeyPatchBody, KeyPolicyBody, KeySchema } from '../schemas/admin.js'

const security = [{ bearer: [] }]

const notFound = (id: string) => new NotFoundError(`No key with id '${id}'`, { code: 'key_not_found' })
const inConfig = (id: string) => new ConflictError(`The key '${id}' is defined in the config file; change it there`, { code: 'key_in_config' })

/** This period's spend of a key or team, from the limiter's counters (`app.auth.limits`). */
export async function spendOf (app: FastifyInstance, owner: SpendOwner): Promise<SpendView> {
  return await spendView(app.auth.limits, owner, app.config.pricing.currency)
}

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
    checkPolicy(body)
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

  app.get('/admin/keys/:id', {
    schema: {
      tags: ['admin'],
      summary: 'A key (never the key or its hash), with this period\'s spend next to its limits and budget',
      security,
      params: KeyIdParams,
      response: { 200: KeyDetailSchema, ...errorResponses(401, 403, 404, 503) }
    }
  }, async (request) => {
    const { id } = request.params as Static<typeof KeyIdParams>
    const record = await app.auth.keys.get(id)
    if (record === undefined) throw notFound(id)
    return { ...viewOf(record), source: record.source, spend: await spendOf(app, { ...record, scope: 'key' }) }
  })

  app.patch('/admin/keys/:id', {
    schema: {
      tags: ['admin'],
      summary: 'Change a key\'s team, models, limits, budget or expiry in place (same key; every replica within a second)',
      security,
      params: KeyIdParams,
      body: KeyPatchBody,
      response: { 200: KeySchema, ...errorResponses(400, 401, 403, 404, 409, 503) }
    }
  }, async (request) => {
    const { id } = request.params as Static<typeof KeyIdParams>
    const body = request.body as Static<typeof KeyPatchBody>
    checkPolicy(body)
    const outcome = await app.auth.keys.update(id, body)
    if (outcome === 'config') throw inConfig(id)
    if (outcome === 'unknown') throw notFound(id)
    return { ...viewOf(outcome), source: outcome.source }
  })

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
    if (outcome === 'config') throw inConfig(id)
    if (outcome === 'unknown') throw notFound(id)
    return { id, deleted: true as const }
  })
}
