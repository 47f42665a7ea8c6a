import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CallContext } from '../providers/types.js'
import type { RouteTarget } from '../routing/model-router.js'

export interface RequestCall extends CallContext {
  /** Aborted only when the client went away (the upstream `signal` also ends at the shutdown deadline). */
  clientSignal: AbortSignal
  /** Stop listening for the shutdown deadline; call when the answer has ended. */
  done: () => void
}

/**
 * The upstream call is cancelled the moment the client's connection closes before the answer is complete,
 * or when the shutdown deadline passes.
 */
export function callContext (request: FastifyRequest, reply: FastifyReply): RequestCall {
  const client = new AbortController()
  const stop = new AbortController()
  const unregister = request.server.lifecycle.onDeadline((reason) => { stop.abort(reason) })
  const done = (): void => { unregister() }
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) client.abort()
    done()
  })
  return {
    signal: AbortSignal.any([client.signal, stop.signal]),
    clientSignal: client.signal,
    done,
    requestId: request.id,
    log: request.log
  }
}

export function markServedBy (request: FastifyRequest, reply: FastifyReply, target: RouteTarget, attempts: number): void {
  request.qiao.provider = target.adapter.id
  request.qiao.upstreamModel = target.upstreamModel
  request.qiao.attempts = attempts
  request.qiao.upstreamMs = reply.elapsedTime
  void reply.headers({ 'x-qiao-provider': target.adapter.id, 'x-qiao-model': target.upstreamModel, 'x-qiao-attempts': String(attempts) })
}
