import fp from 'fastify-plugin'
import { createAdapter } from '../src/providers/create-adapter.js'
import { ModelRouter } from '../src/routing/model-router.js'

declare module 'fastify' {
  interface FastifyInstance {
    modelRouter: ModelRouter
  }
}

/** One adapter (and its undici pool) per configured provider, behind the model router; closed on shutdown. */
export default fp(async (app) => {
  const router = new ModelRouter(app.config.providers.map(createAdapter), app.config.models)
  app.decorate('modelRouter', router)
  app.addHook('onClose', async () => { await router.close() })
}, { name: 'model-router', dependencies: ['config'], fastify: '5.x' })
