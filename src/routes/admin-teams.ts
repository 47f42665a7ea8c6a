// The admin API for teams (master key only, enforced by plugins/auth.ts). Config teams are read-only here.
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { ConflictError } from '../auth/errors.js'
import { checkPolicy } from '../auth/policy-patch.js'
import { teamViewOf } from '../auth/team-record.js'
import { NotFoundError } from '../errors/gateway-error.js'
import { errorResponses } from '../schemas/error.js'
import { DeletedTeamSchema, TeamBody, TeamDetailSchema, TeamIdParams, TeamListSchema, TeamPatchBody, TeamSchema } from '../schemas/admin-teams.js'
import { spendOf } from './admin-keys.js'

const security = [{ bearer: [] }]
const tags = ['admin']

const notFound = (id: string) => new NotFoundError(`No team with id '${id}'`, { code: 'team_not_found' })
const inConfig = (id: string) => new ConflictError(`The team '${id}' is defined in the config file; change it there`, { code: 'team_in_config' })

export const adminTeamRoutes: FastifyPluginAsync = async (app) => {
  app.post('/admin/teams', {
    schema: { tags, security, summary: 'Create a team: limits, budget and models shared by all its keys', body: TeamBody, response: { 201: TeamSchema, ...errorResponses(400, 401, 403, 409, 503) } }
  }, async (request, reply) => {
    const body = request.body as Static<typeof TeamBody>
    checkPolicy(body)
    const record = await app.auth.teams.create(body)
    void reply.code(201)
    return teamViewOf(record)
  })

  app.get('/admin/teams', {
    schema: { tags, security, summary: 'List teams, from the config file and the admin API', response: { 200: TeamListSchema, ...errorResponses(401, 403, 503) } }
  }, async () => ({ data: (await app.auth.teams.list()).map(teamViewOf) }))

  app.get('/admin/teams/:id', {
    schema: { tags, security, summary: 'A team, with this period\'s spend next to its limits and budget', params: TeamIdParams, response: { 200: TeamDetailSchema, ...errorResponses(401, 403, 404, 503) } }
  }, async (request) => {
    const { id } = request.params as Static<typeof TeamIdParams>
    const record = await app.auth.teams.get(id)
    if (record === undefined) throw notFound(id)
    return { ...teamViewOf(record), spend: await spendOf(app, { ...record, scope: 'team' }) }
  })

  app.patch('/admin/teams/:id', {
    schema: {
      tags,
      security,
      summary: 'Change a team\'s limits, budget or models (`null` clears a field; every replica within a second)',
      params: TeamIdParams,
      body: TeamPatchBody,
      response: { 200: TeamSchema, ...errorResponses(400, 401, 403, 404, 409, 503) }
    }
  }, async (request) => {
    const { id } = request.params as Static<typeof TeamIdParams>
    const body = request.body as Static<typeof TeamPatchBody>
    checkPolicy(body)
    const outcome = await app.auth.teams.update(id, body)
    if (outcome === 'config') throw inConfig(id)
    if (outcome === 'unknown') throw notFound(id)
    return teamViewOf(outcome)
  })

  app.delete('/admin/teams/:id', {
    schema: {
      tags,
      security,
      summary: 'Delete a team made through the admin API; its keys keep the team name and lose the team\'s limits',
      params: TeamIdParams,
      response: { 200: DeletedTeamSchema, ...errorResponses(401, 403, 404, 409, 503) }
    }
  }, async (request) => {
    const { id } = request.params as Static<typeof TeamIdParams>
    const outcome = await app.auth.teams.delete(id)
    if (outcome === 'config') throw inConfig(id)
    if (outcome === 'unknown') throw notFound(id)
    return { id, deleted: true as const }
  })
}
