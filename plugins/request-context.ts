import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ProviderType } from '../src/config/schema.js'
import type { FailureClass } from '../src/errors/gateway-error.js'
import { formatNanos } from '../src/pricing/money.js'
import type { Usage } from '../src/schemas/openai-types.js'

export interface RequestContext {
  provider?: string
  providerType?: ProviderType
  upstreamModel?: string
  model?: string
  usage?: Partial<Usage>
  /** Usage so far, for a request the client left before its usage was known: prompt charged, tokens sent. */
  usageSoFar?: () => Partial<Usage>
  attempts?: number
  cache?: string
  /** What the request cost, in nanos of pricing.currency; absent when its target has no price. */
  cost?: number
  /** Prompt tokens the backend served from its prompt cache. */
  cachedPromptTokens?: number
  /** Tokens of embedding inputs served from qiao's cache (an estimate), and what they would have cost. */
  savedTokens?: number
  savedCost?: number
  /** Milliseconds from the request to the upstream's answer (headers, for streams). */
  upstreamMs?: number
  /** Milliseconds from the request to the first chunk sent to the client. */
  firstChunkMs?: number
  /** Whose fault the failure was, when the request failed (see FAILURE_CLASSES). */
  failure?: FailureClass
  /** Who is calling: set by authentication; anonymous use is the `default` team. */
  team?: string
  keyId?: string
  /** Set once the request has ended, answered or abandoned: its end is handled exactly once. */
  ended?: boolean
}

/** Runs once per request when it ends: after the last byte, or when the client left before it. */
export type RequestEndHandler = (request: FastifyRequest, reply: FastifyReply) => void

declare module 'fastify' {
  interface FastifyRequest {
    qiao: RequestContext
  }
  interface FastifyInstance {
    /** Usage, metrics and the log line see every request, including those whose client left mid-answer. */
    onRequestEnd: (handler: RequestEndHandler) => void
  }
}

/** nginx's "client closed request": the status a request is logged and counted with when its client left. */
export const CLIENT_CLOSED = 499

/** The status a request ended with: the one sent, or 499 when the client left before the answer was complete. */
export function endStatus (request: FastifyRequest, reply: FastifyReply): number {
  return request.qiao.failure === 'caller_cancelled' ? CLIENT_CLOSED : reply.statusCode
}

/** pino's check; Fastify's logger when logging is off (`logger: false`) has none and logs nothing. */
const infoEnabled = (log: FastifyBaseLogger): boolean =>
  (log as Partial<{ isLevelEnabled: (level: string) => boolean }>).isLevelEnabled?.('info') === true

/**
 * Echoes the request id as `x-request-id` (the SDKs expose it as `requestID`) and writes one log line
 * per request with what an operator needs: path, status, latency, provider, model, token usage.
 * Prompts and completions are never logged.
 */
export default fp(async (app) => {
  const handlers: RequestEndHandler[] = []
  app.decorate('onRequestEnd', (handler: RequestEndHandler) => { handlers.push(handler) })
  app.decorateRequest('qiao', null as unknown as RequestContext)

  function ended (request: FastifyRequest, reply: FastifyReply): void {
    const qiao = request.qiao
    if (qiao.ended === true) return
    qiao.ended = true
    if (qiao.failure === 'caller_cancelled' && qiao.usage === undefined && qiao.usageSoFar !== undefined) qiao.usage = qiao.usageSoFar()
    for (const handler of handlers) handler(request, reply)
    if (infoEnabled(request.log)) logRequest(request, reply)
  }

  // Callback-style hooks: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    request.qiao = {}
    void reply.header('x-request-id', request.id)
    // Fastify's onResponse runs only for answers that were sent whole; a client that left gets its end here.
    reply.raw.once('close', () => {
      if (reply.raw.writableFinished) return
      request.qiao.failure = 'caller_cancelled'
      ended(request, reply)
    })
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    ended(request, reply)
    done()
  })

  function logRequest (request: FastifyRequest, reply: FastifyReply): void {
    const { provider, upstreamModel, model, usage, attempts, cache, failure } = request.qiao
    request.log.info({
      method: request.method,
      url: pathOf(request.url),
      status: endStatus(request, reply),
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(model !== undefined ? { model } : {}),
      ...(provider !== undefined ? { provider, upstreamModel } : {}),
      ...(attempts !== undefined ? { attempts } : {}),
      ...(usage !== undefined ? { usage: { prompt: usage.prompt_tokens, completion: usage.completion_tokens } } : {}),
      ...(cache !== undefined ? { cache } : {}),
      ...(request.qiao.cost !== undefined ? { cost: formatNanos(request.qiao.cost) } : {}),
      ...(failure !== undefined ? { failure } : {})
    }, 'request')
  }
}, { name: 'request-context', fastify: '5.x' })

/** The path the client asked for, without the query string (which may carry anything). */
function pathOf (url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}
