// GET /admin/usage (master key, or a gateway key for its own usage; enforced by plugins/auth.ts).
import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { InvalidRequestError, UpstreamUnavailableError } from '../errors/gateway-error.js'
import { errorResponses } from '../schemas/error.js'
import { UsageCsvSchema, UsageQuery, UsageReportSchema } from '../schemas/admin-usage.js'
import { usageCsv } from '../usage/csv.js'
import { parseFormat, parseGroupBy } from '../usage/group-by.js'
import { aggregateUsage, hoursBetween } from '../usage/query.js'
import { usageReport } from '../usage/report.js'

const DAY_MS = 86_400_000
/** A year of hourly buckets at most per query. */
const MAX_RANGE_MS = 366 * DAY_MS
const security = [{ bearer: [] }]

export const adminUsageRoutes: FastifyPluginAsync = async (app) => {
  app.get('/admin/usage', {
    schema: {
      tags: ['admin'],
      summary: 'Usage and cost per UTC hour, key and model, or grouped by hour, day, team, key or model (default: the last 24 hours)',
      security,
      querystring: UsageQuery,
      response: {
        200: {
          description: 'The report, as JSON or (format=csv) as CSV',
          content: { 'application/json': { schema: UsageReportSchema }, 'text/csv': { schema: UsageCsvSchema } }
        },
        ...errorResponses(400, 401, 403, 503)
      }
    }
  }, async (request, reply) => {
    const query = request.query as Static<typeof UsageQuery>
    const groupBy = parseGroupBy(query.group_by)
    const format = parseFormat(query.format)
    const to = timeParam(query.to, 'to') ?? Date.now()
    const from = timeParam(query.from, 'from') ?? to - DAY_MS
    if (from > to) throw new InvalidRequestError('from must not be after to', { param: 'from' })
    if (to - from > MAX_RANGE_MS) throw new InvalidRequestError('from and to may be at most 366 days apart', { param: 'from' })
    await app.auth.usage.flush()
    const buckets = await app.auth.usage.store.read(hoursBetween(from, to)).catch((err: unknown) => {
      throw new UpstreamUnavailableError('The usage store (Redis) is unavailable; retry shortly', { code: 'usage_unavailable', failure: 'gateway_internal', cause: err })
    })
    // A member (a gateway key, not the master key) sees its own key's usage only.
    const key = app.auth.member(request)?.id ?? query.key
    const table = aggregateUsage(buckets, { team: query.team, key, model: query.model }, groupBy)
    const { currency } = app.config.pricing
    if (format === 'json') return usageReport(table, currency)
    return await reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="usage.csv"').send(usageCsv(table, currency))
  })
}

function timeParam (value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) throw new InvalidRequestError(`${name} is not an ISO-8601 time: ${value}`, { param: name })
  return ms
}
