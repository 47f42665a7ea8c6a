// The admin API (master key only, except the member-safe routes; enforced by plugins/auth.ts): one file per resource.
import type { FastifyPluginAsync } from 'fastify'
import { adminConfigRoutes } from './admin-config.js'
import { adminKeyRoutes } from './admin-keys.js'
import { adminSessionRoutes } from './admin-session.js'
import { adminStatsRoutes } from './admin-stats.js'
import { adminTeamRoutes } from './admin-teams.js'
import { adminUsageRoutes } from './admin-usage.js'

export const adminRoutes: FastifyPluginAsync = async (app) => {
  await app.register(adminKeyRoutes)
  await app.register(adminTeamRoutes)
  await app.register(adminUsageRoutes)
  await app.register(adminSessionRoutes)
  await app.register(adminStatsRoutes)
  await app.register(adminConfigRoutes)
}
