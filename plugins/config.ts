import fp from 'fastify-plugin'
import type { Config } from '../src/config/schema.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

/** Decorates app.config with an already-validated, frozen Config; reads no environment. */
export default fp<{ config: Config }>(async (app, { config }) => {
  app.decorate('config', config)
}, { name: 'config', fastify: '5.x' })
