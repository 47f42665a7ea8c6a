import fp from 'fastify-plugin'
import { NotFoundError } from '../src/errors/gateway-error.js'
import { replyWithError } from '../src/routes/error-reply.js'

/** The default error and not-found handlers: a failure leaves as an OpenAI-style error body (fronts of other APIs set their own). */
export default fp(async (app) => {
  app.setErrorHandler(async (err, request, reply) => { replyWithError(err, request, reply, (error) => error.toBody()) })
  app.setNotFoundHandler(async (request, reply) => {
    const error = new NotFoundError(`Unknown route: ${request.method} ${request.url.split('?')[0] ?? ''}`, { code: 'unknown_route' })
    request.qiao.failure = error.failure
    void reply.code(404).header('x-qiao-error', error.failure).send(error.toBody())
  })
}, { name: 'error-handler', fastify: '5.x' })
