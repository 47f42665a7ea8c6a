import type { FastifyReply, FastifyRequest } from 'fastify'
import { GatewayShuttingDownError } from '../errors/gateway-error.js'
import type { CallContext } from '../providers/types.js'
import { CancelSignal } from '../routing/cancel-signal.js'
import type { RouteTarget } from '../routing/model-router.js'

export interface RequestCall extends CallContext {
  /** Whether `signal` ended because the client went away (and not at the shutdown deadline). */
  cancelledByClient: () => boolean
}

/**
 * The upstream call is cancelled the moment the client's connection closes before the answer is complete,
 * or when the shutdown deadline passes: one signal for both, the abort reason tells which.
 */
export function callContext (request: FastifyRequest, reply: FastifyReply): RequestCall {
  const signal = new CancelSignal()
  const unregister = request.server.lifecycle.onDeadline(aborting(signal))
  reply.raw.once('close', () => {
    unregister()
    if (!reply.raw.writableFinished) signal.abort()
  })
  return {
    signal,
    requestId: request.id,
    log: request.log,
    cancelledByClient: () => signal.aborted && !(signal.reason instanceof GatewayShuttingDownError)
  }
}

/** Made apart from the request's scope, so that the registration holds the signal and nothing more. */
function aborting (signal: CancelSignal): (reason: GatewayShuttingDownError) => void {
  return (reason) => { signal.abort(reason) }
}

/**
 * An attempt is starting: a client that leaves from here on is logged with this target, and pays the prompt
 * the backend has received plus the completion tokens sent so far (counted in `progress`).
 */
export function markAttempt (request: FastifyRequest, target: RouteTarget, promptTokens: () => number, progress?: { completionChunks: number }): void {
  const qiao = request.qiao
  qiao.provider = target.adapter.id
  qiao.providerType = target.adapter.type
  qiao.upstreamModel = target.upstreamModel
  qiao.usageSoFar ??= () => {
    const prompt = promptTokens()
    const completion = progress?.completionChunks ?? 0
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
  }
}

export function markServedBy (request: FastifyRequest, reply: FastifyReply, target: RouteTarget, attempts: number): void {
  request.qiao.provider = target.adapter.id
  request.qiao.providerType = target.adapter.type
  request.qiao.upstreamModel = target.upstreamModel
  request.qiao.attempts = attempts
  // No attempt (an answer from the cache): no upstream latency to report.
  if (attempts > 0) request.qiao.upstreamMs = reply.elapsedTime
  void reply.headers({ 'x-qiao-provider': target.adapter.id, 'x-qiao-model': target.upstreamModel, 'x-qiao-attempts': String(attempts) })
}
