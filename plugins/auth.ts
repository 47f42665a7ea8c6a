import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { durationMs } from '../src/config/duration.js'
import { AuthenticationError, PermissionDeniedError } from '../src/errors/gateway-error.js'
import { MemoryAdminKeys, RedisAdminKeys } from '../src/auth/admin-keys.js'
import { presentedKey } from '../src/auth/credentials.js'
import { hashKey, sameHash } from '../src/auth/key-hash.js'
import { DEFAULT_TEAM, isExpired, type KeyRecord } from '../src/auth/key-record.js'
import { KeyStore } from '../src/auth/key-store.js'
import { MemoryAdminTeams, RedisAdminTeams } from '../src/auth/admin-teams.js'
import { TeamStore } from '../src/auth/team-store.js'
import type { TeamRecord } from '../src/auth/team-record.js'
import { assertOpenModeAllowed } from '../src/auth/loopback.js'
import { everyMatcher, type ModelMatcher } from '../src/auth/model-access.js'
import { MemoryCounters } from '../src/limits/counter-store.js'
import { estimateTokens } from '../src/limits/estimate.js'
import { BudgetAlerts } from '../src/limits/budget-alerts.js'
import { ownersOf } from '../src/limits/owners.js'
import { Limiter, type Charge } from '../src/limits/limiter.js'
import { webhookSender } from '../src/alerts/webhook.js'
import { RedisCounters } from '../src/limits/redis-counters.js'
import { UsageRecorder } from '../src/usage/recorder.js'
import { RedisUsage } from '../src/usage/redis-usage.js'
import { MemoryUsage } from '../src/usage/usage-store.js'
import { RequestSlot } from '../src/request-slot.js'
import { settleHook } from './settle-hook.js'

export interface GatewayAuth {
  keys: KeyStore
  limits: Limiter
  teams: TeamStore
  usage: UsageRecorder
  /** Whether the caller of `request` may use `model` (always, for anonymous and master-key callers). */
  allows: (request: FastifyRequest, model: string) => boolean
  /** The gateway key of a member calling a member-safe admin route (`/admin/me`, `/admin/usage`); its own data only. */
  member: (request: FastifyRequest) => KeyRecord | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: GatewayAuth
  }
}

interface Caller {
  id?: string
  record?: KeyRecord
  /** The key's team, when the team has a record: its models, limits and budget apply on top of the key's. */
  team?: TeamRecord
  allows: ModelMatcher
  model?: string
  charge?: Charge
}

/** The API routes a gateway key opens: OpenAI's (with and without /v1), Anthropic's messages, rerank and FIM paths. */
const API_ROUTE = /^(\/v1|\/v2|\/beta)?\/(chat\/completions|completions|embeddings|models|models\/\*|responses|responses\/.+|messages|messages\/count_tokens|rerank)$/
/** Usage of the master key on API routes is recorded under this id (not a valid key id, so never taken). */
const MASTER_ID = '(master)'
const ANYTHING: ModelMatcher = () => true
/** Admin routes a gateway key (or its console session) may call too: they answer about that key only. */
const MEMBER_ADMIN_ROUTES = new Set(['/admin/me', '/admin/usage'])

/**
 * Gateway keys: authenticates /v1 (and unprefixed) API routes, /admin (master key) and, when
 * `metrics.auth`, /metrics; checks model access and rpm/tpm/budget limits once the body is parsed;
 * corrects token charges and records usage when the answer is complete (streams included).
 */
export default fp(async (app) => {
  const { auth, keys, server, metrics, usage } = app.config
  const open = keys.length === 0 && auth.masterKey === undefined
  assertOpenModeAllowed({ host: server.host, keys: keys.length, masterKey: auth.masterKey !== undefined, allowAnonymous: auth.allowAnonymous })
  if (metrics.auth && auth.masterKey === undefined) throw new Error('metrics.auth is true but no auth.masterKey (QIAO_MASTER_KEY) is set')

  const redis = app.redis
  const store = new KeyStore(keys, redis !== undefined ? new RedisAdminKeys(redis) : new MemoryAdminKeys(), { outage: app.redisOutage })
  const teams = new TeamStore(app.config.teams, redis !== undefined ? new RedisAdminTeams(redis) : new MemoryAdminTeams(), { outage: app.redisOutage })
  const counters = redis !== undefined ? new RedisCounters(redis) : new MemoryCounters()
  const webhook = app.config.alerts.webhook
  const alerts = new BudgetAlerts(counters, app.log, app.pricing.currency, webhook !== undefined ? webhookSender(webhook, app.log) : undefined)
  const limiter = new Limiter(counters, app.redisOutage, alerts)
  const retentionMs = durationMs(usage.retention)
  const recorder = new UsageRecorder(redis !== undefined ? new RedisUsage(redis, retentionMs) : new MemoryUsage(retentionMs), app.redisOutage)
  app.addHook('onClose', async () => { await recorder.close() })

  const masterHash = auth.masterKey !== undefined ? hashKey(auth.masterKey) : undefined
  const isMaster = (key: string) => masterHash !== undefined && sameHash(hashKey(key), masterHash)
  const callers = new RequestSlot<Caller>('caller')
  const members = new RequestSlot<KeyRecord>('member')

  /** A valid, unexpired key's record; 401 otherwise. */
  async function keyRecord (presented: string | undefined): Promise<KeyRecord> {
    if (presented === undefined) throw new AuthenticationError('Missing API key: send it as `Authorization: Bearer <key>` or `x-api-key`')
    const record = await store.lookup(presented)
    if (record === undefined) throw new AuthenticationError('Invalid API key')
    if (isExpired(record)) throw new AuthenticationError('The API key has expired')
    return record
  }

  /** Who is calling; a promise only when a key must be looked up (open mode and the master key answer at once). */
  function authenticate (request: FastifyRequest): Promise<void> | undefined {
    const route = request.routeOptions.url ?? ''
    const adminRoute = route.startsWith('/admin/') || (route === '/metrics' && metrics.auth)
    if ((adminRoute || API_ROUTE.test(route)) && presentedKey(request.headers) === undefined && app.session.present(request)) {
      return viaSession(request, route, adminRoute)
    }
    if (adminRoute) {
      if (masterHash === undefined) throw new AuthenticationError('The admin API is disabled: set auth.masterKey (QIAO_MASTER_KEY)')
      const presented = presentedKey(request.headers)
      if (presented !== undefined && isMaster(presented)) return undefined
      return keyRecord(presented).then((record) => { asMember(request, route, record) })
    }
    if (!API_ROUTE.test(route)) return undefined
    if (open) {
      request.qiao.team = DEFAULT_TEAM
      callers.set(request, { allows: ANYTHING })
      return undefined
    }
    const presented = presentedKey(request.headers)
    if (presented !== undefined && isMaster(presented)) {
      asMaster(request)
      return undefined
    }
    return keyRecord(presented).then(async (record) => { await asKey(request, record) })
  }

  function asMaster (request: FastifyRequest): void {
    request.qiao.keyId = MASTER_ID
    request.qiao.team = DEFAULT_TEAM
    callers.set(request, { id: MASTER_ID, allows: ANYTHING })
  }

  async function asKey (request: FastifyRequest, record: KeyRecord): Promise<void> {
    const team = await teams.lookup(record.team)
    request.qiao.keyId = record.id
    request.qiao.team = record.team
    callers.set(request, { id: record.id, record, ...(team !== undefined ? { team } : {}), allows: everyMatcher([record.models, team?.models]) })
  }

  /** A gateway key on an admin route: only the member-safe ones, about that key alone. */
  function asMember (request: FastifyRequest, route: string, record: KeyRecord): void {
    if (!MEMBER_ADMIN_ROUTES.has(route)) throw new PermissionDeniedError('This route needs the master key', { failure: 'caller_unauthenticated' })
    members.set(request, record)
  }

  /**
   * A console session cookie (plugins/session.ts) stands for the key it was made from: same role, same
   * routes, same limits. A revoked or expired key ends its sessions at once, since the record is read here.
   */
  async function viaSession (request: FastifyRequest, route: string, adminRoute: boolean): Promise<void> {
    app.session.assertSameOrigin(request)
    const identity = await app.session.identify(request)
    if (identity === undefined) throw new AuthenticationError('The console session has expired or was signed out; sign in again')
    if (identity.role === 'master') {
      if (masterHash === undefined) throw new AuthenticationError('The master key is no longer configured')
      if (!adminRoute) asMaster(request)
      return
    }
    const record = await store.get(identity.keyId)
    if (record === undefined || isExpired(record)) throw new AuthenticationError('The key of this console session was revoked or has expired')
    if (adminRoute) asMember(request, route, record)
    else await asKey(request, record)
  }

  /** Model access, then the key's limits; a promise only when a keyed caller's limits must be checked. */
  function admit (request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const caller = callers.get(request)
    const model = (request.body as { model?: unknown } | undefined)?.model
    if (caller === undefined || typeof model !== 'string') return undefined
    caller.model = model
    if (!caller.allows(model)) {
      throw new PermissionDeniedError(`This key may not use the model '${model}'`, { code: 'model_not_allowed', param: 'model' })
    }
    if (caller.record === undefined) return undefined
    const owners = ownersOf(caller.record, caller.team)
    const tokens = estimateTokens(request.body)
    const charge = (nanos: number) => limiter.admit(owners, { tokens, nanos }).then((admission) => {
      void reply.headers(admission.headers)
      if (admission.charge !== undefined) caller.charge = admission.charge
    })
    // A money budget needs a price for every target the model may be served by (403 model_not_priced otherwise).
    if (!owners.some((owner) => owner.budget?.amount !== undefined)) return charge(0)
    return Promise.resolve(app.pricing.estimateNanos(model, tokens)).then(charge)
  }

  // Callback-style hooks: every request passes here, and most need no promise at all.
  app.addHook('onRequest', (request, _reply, done) => { settleHook(() => authenticate(request), done) })
  app.addHook('preHandler', (request, reply, done) => { settleHook(() => admit(request, reply), done) })

  // Every request's end, a client that left included: its tokens so far are charged and recorded.
  app.onRequestEnd(settleUsage)

  function settleUsage (request: FastifyRequest, reply: FastifyReply): void {
    const caller = callers.get(request)
    if (caller?.id === undefined || caller.model === undefined) return
    const used = request.qiao.usage
    // A stream that broke after it started has status 200 but a failure class: it counts as an error too.
    const failed = reply.statusCode >= 400 || (request.qiao.failure !== undefined && request.qiao.failure !== 'caller_cancelled')
    const prompt = used?.prompt_tokens ?? 0
    const completion = used?.completion_tokens ?? 0
    const total = used?.total_tokens ?? prompt + completion
    limiter.settle(caller.charge, { tokens: used !== undefined ? total : undefined, nanos: request.qiao.cost }, failed)
    recorder.record({
      key: caller.id,
      team: request.qiao.team ?? DEFAULT_TEAM,
      model: caller.model,
      at: Date.now(),
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: total,
      failed,
      cached_inputs: Number(request.qiao.cache?.split('/')[0] ?? 0) || 0,
      cached_prompt_tokens: request.qiao.cachedPromptTokens ?? 0,
      cost: request.qiao.cost ?? 0,
      saved_cost: request.qiao.savedCost ?? 0
    })
  }

  app.decorate('auth', {
    keys: store,
    limits: limiter,
    teams,
    usage: recorder,
    allows: (request: FastifyRequest, model: string) => callers.get(request)?.allows(model) ?? open,
    member: (request: FastifyRequest) => members.get(request)
  })
}, { name: 'auth', dependencies: ['config', 'redis', 'request-context', 'pricing', 'session'], fastify: '5.x' })
