import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { hkdfSync, randomBytes } from 'node:crypto'
import type { RedisClient } from '../src/redis/connect.js'
import { PermissionDeniedError } from '../src/errors/gateway-error.js'

/** Who a console session stands for: the master key, or one gateway key (by id, never the key itself). */
export type SessionIdentity = { role: 'master' } | { role: 'member', keyId: string }

export interface ConsoleSessions {
  /** Starts a session: stores it and sets the signed cookie on `reply`. */
  start: (request: FastifyRequest, reply: FastifyReply, identity: SessionIdentity) => Promise<void>
  /** The identity of the request's session cookie, if it carries a valid, unrevoked one. */
  identify: (request: FastifyRequest) => Promise<SessionIdentity | undefined>
  /** Whether the request carries a session cookie at all (valid or not). */
  present: (request: FastifyRequest) => boolean
  /** Revokes the request's session (every replica: the record is gone) and clears the cookie. */
  end: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  /** Cross-site protection for cookie-authenticated calls that change state; throws 403. */
  assertSameOrigin: (request: FastifyRequest) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    session: ConsoleSessions
  }
}

export const SESSION_COOKIE = 'qiao_session'
const TTL_S = 12 * 3600
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

interface SessionRecords {
  put: (sid: string, identity: SessionIdentity) => Promise<void>
  get: (sid: string) => Promise<SessionIdentity | undefined>
  delete: (sid: string) => Promise<void>
}

function memoryRecords (): SessionRecords {
  const records = new Map<string, { identity: SessionIdentity, until: number }>()
  return {
    put: async (sid, identity) => { records.set(sid, { identity, until: Date.now() + TTL_S * 1000 }) },
    get: async (sid) => {
      const found = records.get(sid)
      if (found === undefined || found.until < Date.now()) { records.delete(sid); return undefined }
      return found.identity
    },
    delete: async (sid) => { records.delete(sid) }
  }
}

function redisRecords (redis: RedisClient): SessionRecords {
  const key = (sid: string) => `console-session:{${sid}}`
  return {
    put: async (sid, identity) => { await redis.set(key(sid), JSON.stringify(identity), 'EX', TTL_S) },
    get: async (sid) => {
      const raw = await redis.get(key(sid))
      return raw === null ? undefined : JSON.parse(raw) as SessionIdentity
    },
    delete: async (sid) => { await redis.del(key(sid)) }
  }
}

/**
 * The signing secret: derived with HKDF from the master key, so every replica of one deployment accepts the
 * others' cookies; without a master key (member sign-in only), random per process.
 */
function signingSecret (masterKey: string | undefined): Buffer {
  if (masterKey === undefined) return randomBytes(32)
  return Buffer.from(hkdfSync('sha256', masterKey, 'qiao', 'console session cookie', 32))
}

/** Same origin: the browser says so (`sec-fetch-site`), or the `Origin` header names this host. */
function sameOrigin (request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site']
  if (site !== undefined) return site === 'same-origin'
  const origin = request.headers.origin
  if (origin === undefined) return false
  try {
    // Both through URL, so that a default port (`:80`) written on one side only still compares equal.
    return new URL(origin).origin === new URL(`${request.protocol}://${request.headers.host ?? ''}`).origin
  } catch {
    return false
  }
}

/**
 * Console sessions: a signed, HttpOnly, SameSite=Strict cookie (Secure over TLS) naming a session record
 * in Redis (memory without Redis), so that signing out revokes it on every replica.
 */
export default fp(async (app) => {
  await app.register(cookie, { secret: signingSecret(app.config.auth.masterKey) })
  const records = app.redis !== undefined ? redisRecords(app.redis) : memoryRecords()

  const sessionId = (request: FastifyRequest): string | undefined => {
    const raw = app.parseCookie(request.headers.cookie ?? '')[SESSION_COOKIE]
    if (raw === undefined) return undefined
    const unsigned = app.unsignCookie(raw)
    return unsigned.valid && unsigned.value !== null ? unsigned.value : undefined
  }
  const cookieOptions = (request: FastifyRequest) => ({ path: '/', httpOnly: true, sameSite: 'strict' as const, secure: request.protocol === 'https' })

  app.decorate('session', {
    start: async (request, reply, identity) => {
      const sid = randomBytes(24).toString('base64url')
      await records.put(sid, identity)
      void reply.setCookie(SESSION_COOKIE, sid, { ...cookieOptions(request), signed: true, maxAge: TTL_S })
    },
    identify: async (request) => {
      const sid = sessionId(request)
      return sid === undefined ? undefined : await records.get(sid)
    },
    present: (request) => request.headers.cookie?.includes(`${SESSION_COOKIE}=`) === true,
    end: async (request, reply) => {
      const sid = sessionId(request)
      if (sid !== undefined) await records.delete(sid)
      void reply.clearCookie(SESSION_COOKIE, cookieOptions(request))
    },
    assertSameOrigin: (request) => {
      if (SAFE_METHODS.has(request.method) || sameOrigin(request)) return
      throw new PermissionDeniedError('Cross-site request refused: a console session only works from the console itself', { code: 'cross_site_request' })
    }
  } satisfies ConsoleSessions)
}, { name: 'session', dependencies: ['config', 'redis'], fastify: '5.x' })
