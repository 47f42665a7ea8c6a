import fp from 'fastify-plugin'
import { NotFoundError } from '../src/errors/gateway-error.js'
import { toGatewayError } from '../src/errors/to-openai-error.js'

/** The only error and not-found handlers: every failure leaves as an OpenAI-style error body. */
export default fp(async (app) => {
  app.setErrorHandler(async (err, request, reply) => {
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
    void reply.code(error.statusCode).headers(error.headers).header('x-qiao-error', error.failure).send(error.toBody())
  })
  app.setNotFoundHandler(async (request, reply) => {
    const error = new NotFoundError(`Unknown route: ${request.method} ${request.url.split('?')[0] ?? ''}`, { code: 'unknown_route' })
    request.qiao.failure = error.failure
    void reply.code(404).header('x-qiao-error', error.failure).send(error.toBody())
  })
}, { name: 'error-handler', fastify: '5.x' })
