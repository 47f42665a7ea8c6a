import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { FailureClass } from '../src/errors/gateway-error.js'
import type { Usage } from '../src/schemas/openai-types.js'

export interface RequestContext {
  provider?: string
  upstreamModel?: string
  model?: string
  usage?: Partial<Usage>
  attempts?: number
  cache?: string
  /** Milliseconds from the request to the upstream's answer (headers, for streams). */
  upstreamMs?: number
  /** Milliseconds from the request to the first chunk sent to the client. */
  firstChunkMs?: number
  /** Whose fault the failure was, when the request failed (see FAILURE_CLASSES). */
  failure?: FailureClass
  /** Who is calling: set by authentication; anonymous use is the `default` team. */
  team?: string
  keyId?: string
}

declare module 'fastify' {
  interface FastifyRequest {
    qiao: RequestContext
  }
}

/**
 * Echoes the request id as `x-request-id` (the SDKs expose it as `requestID`) and writes one log line
 * per request with what an operator needs: route, status, latency, provider, model, token usage.
 * Prompts and completions are never logged.
 */
/** pino's check; Fastify's logger when logging is off (`logger: false`) has none and logs nothing. */
const infoEnabled = (log: FastifyBaseLogger): boolean =>
  (log as Partial<{ isLevelEnabled: (level: string) => boolean }>).isLevelEnabled?.('info') === true

export default fp(async (app) => {
  app.decorateRequest('qiao', null as unknown as RequestContext)
  // Callback-style hooks: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    request.qiao = {}
    void reply.header('x-request-id', request.id)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    if (infoEnabled(request.log)) logRequest(request, reply)
    done()
  })

  function logRequest (request: FastifyRequest, reply: FastifyReply): void {
    const { provider, upstreamModel, model, usage, attempts, cache } = request.qiao
    request.log.info({
      method: request.method,
      url: request.routeOptions.url ?? request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(model !== undefined ? { model } : {}),
      ...(provider !== undefined ? { provider, upstreamModel } : {}),
      ...(attempts !== undefined ? { attempts } : {}),
      ...(usage !== undefined ? { usage: { prompt: usage.prompt_tokens, completion: usage.completion_tokens } } : {}),
      ...(cache !== undefined ? { cache } : {}),
      ...(request.qiao.failure !== undefined ? { failure: request.qiao.failure } : {})
    }, 'request')
  }
}, { name: 'request-context', fastify: '5.x' })
