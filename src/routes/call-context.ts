import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CallContext } from '../providers/types.js'
import type { RouteTarget } from '../routing/model-router.js'

export interface RequestCall extends CallContext {
  /** Aborted only when the client went away (the upstream `signal` also ends at the shutdown deadline). */
  readonly clientSignal: AbortSignal
}

/**
 * The upstream call is cancelled the moment the client's connection closes before the answer is complete,
 * or when the shutdown deadline passes. One controller serves both; this runs for every request, so it
 * stays cheap. A class, so that spreading it (`{ ...ctx, signal }`) copies plain fields and not the getter.
 */
class RequestCallContext implements RequestCall {
  readonly signal: AbortSignal
  readonly requestId: string
  readonly log: FastifyRequest['log']
  private client: AbortController | undefined
  private clientGone = false

  constructor (request: FastifyRequest, reply: FastifyReply) {
    const controller = new AbortController()
    this.signal = controller.signal
    this.requestId = request.id
    this.log = request.log
    const unregister = request.server.lifecycle.onDeadline((reason) => { controller.abort(reason) })
    reply.raw.once('close', () => {
      unregister()
      if (reply.raw.writableFinished) return
      this.clientGone = true
      this.client?.abort()
      controller.abort()
    })
  }

  /** Built on first use: only streams ask, to tell a client that left from a shutdown. */
  get clientSignal (): AbortSignal {
    if (this.client === undefined) {
      this.client = new AbortController()
      if (this.clientGone) this.client.abort()
    }
    return this.client.signal
  }
}

export function callContext (request: FastifyRequest, reply: FastifyReply): RequestCall {
  return new RequestCallContext(request, reply)
}

export function markServedBy (request: FastifyRequest, reply: FastifyReply, target: RouteTarget, attempts: number): void {
  request.qiao.provider = target.adapter.id
  request.qiao.upstreamModel = target.upstreamModel
  request.qiao.attempts = attempts
  request.qiao.upstreamMs = reply.elapsedTime
  void reply.headers({ 'x-qiao-provider': target.adapter.id, 'x-qiao-model': target.upstreamModel, 'x-qiao-attempts': String(attempts) })
}
