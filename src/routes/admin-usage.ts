// GET /admin/usage (master key only, enforced by plugins/auth.ts).
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { InvalidRequestError, UpstreamUnavailableError } from '../errors/gateway-error.js'
import { errorResponses } from '../schemas/error.js'
import { UsageQuery, UsageReportSchema } from '../schemas/admin-usage.js'
import { queryUsage } from '../usage/query.js'

const DAY_MS = 86_400_000
/** A year of hourly buckets at most per query. */
const MAX_RANGE_MS = 366 * DAY_MS
const security = [{ bearer: [] }]

export const adminUsageRoutes: FastifyPluginAsync = async (app) => {
  app.get('/admin/usage', {
    schema: {
      tags: ['admin'],
      summary: 'Usage per key, model and UTC hour (default: the last 24 hours)',
      security,
      querystring: UsageQuery,
      response: { 200: UsageReportSchema, ...errorResponses(400, 401, 403, 503) }
    }
  }, async (request) => {
    const query = request.query as Static<typeof UsageQuery>
    const to = timeParam(query.to, 'to') ?? Date.now()
    const from = timeParam(query.from, 'from') ?? to - DAY_MS
    if (from > to) throw new InvalidRequestError('from must not be after to', { param: 'from' })
    if (to - from > MAX_RANGE_MS) throw new InvalidRequestError('from and to may be at most 366 days apart', { param: 'from' })
    await app.auth.usage.flush()
    return await queryUsage(app.auth.usage.store, { key: query.key, model: query.model, from, to }).catch((err: unknown) => {
      throw new UpstreamUnavailableError('The usage store (Redis) is unavailable; retry shortly', { code: 'usage_unavailable', failure: 'gateway_internal', cause: err })
    })
  })
}

function timeParam (value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) throw new InvalidRequestError(`${name} is not an ISO-8601 time: ${value}`, { param: name })
  return ms
}
