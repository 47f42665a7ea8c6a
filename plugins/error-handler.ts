import fp from 'fastify-plugin'
import { NotFoundError } from '../src/errors/gateway-error.js'
import { toGatewayError } from '../src/errors/to-openai-error.js'

/** The only error and not-found handlers: every failure leaves as an OpenAI-style error body. */
export default fp(async (app) => {
  app.setErrorHandler(async (err, request, reply) => {
    const error = toGatewayError(err)
    // request.raw.destroyed is true once its body was read; only a closed socket means the client left.
    if (request.raw.socket === null || request.raw.socket.destroyed) {
      request.log.info({ code: error.code }, 'client went away before the answer')
      return
    }
    if (error.statusCode >= 500) request.log.error({ err }, error.message)
    else request.log.info({ code: error.code, status: error.statusCode }, error.message)
    void reply.code(error.statusCode).headers(error.headers).send(error.toBody())
  })
  app.setNotFoundHandler(async (request, reply) => {
    const error = new NotFoundError(`Unknown route: ${request.method} ${request.url.split('?')[0] ?? ''}`, { code: 'unknown_route' })
    void reply.code(404).send(error.toBody())
  })
}, { name: 'error-handler', fastify: '5.x' })
