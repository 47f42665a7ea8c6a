import fp from 'fastify-plugin'
import { ResilientCaller } from '../src/routing/resilient-caller.js'

declare module 'fastify' {
  interface FastifyInstance {
    resilientCaller: ResilientCaller
  }
}

/** Retries, fallbacks, circuit breakers and per-provider concurrency bounds around every upstream call. */
export default fp(async (app) => {
  app.decorate('resilientCaller', new ResilientCaller(app.modelRouter.adapters, app.log))
}, { name: 'resilient-caller', dependencies: ['model-router'], fastify: '5.x' })
