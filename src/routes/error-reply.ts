// How any failure leaves as an answer: the status and headers of its GatewayError, the failure class booked on the
// request, nothing for a client that left. Each API front only chooses how the body is spelled.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { GatewayError } from '../errors/gateway-error.js'
import { toGatewayError } from '../errors/to-openai-error.js'

export function replyWithError (err: unknown, request: FastifyRequest, reply: FastifyReply, render: (error: GatewayError) => unknown): void {
  const error = toGatewayError(err)
  // request.raw.destroyed is true once its body was read; only a closed socket means the client left.
  if (request.raw.socket === null || request.raw.socket.destroyed) {
    request.qiao.failure = 'caller_cancelled'
    request.log.info({ code: error.code, failure: 'caller_cancelled' }, 'client went away before the answer')
    return
  }
  request.qiao.failure = error.failure
  if (error.failure === 'gateway_internal') request.log.error({ err, failure: error.failure }, error.message)
  else request.log.info({ code: error.code, status: error.statusCode, failure: error.failure }, error.message)
  void reply.code(error.statusCode).headers(error.headers).header('x-qiao-error', error.failure).send(render(error))
}
