import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CallContext } from '../providers/types.js'
import type { RouteTarget } from '../routing/model-router.js'

/** The upstream call is cancelled the moment the client's connection closes before the answer is complete. */
export function callContext (request: FastifyRequest, reply: FastifyReply): CallContext {
  const controller = new AbortController()
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort()
  })
  return { signal: controller.signal, requestId: request.id, log: request.log }
}

export function markServedBy (request: FastifyRequest, reply: FastifyReply, target: RouteTarget, attempts: number): void {
  request.qiao.provider = target.adapter.id
  request.qiao.upstreamModel = target.upstreamModel
  request.qiao.attempts = attempts
  void reply.headers({ 'x-qiao-provider': target.adapter.id, 'x-qiao-model': target.upstreamModel, 'x-qiao-attempts': String(attempts) })
}
