// What @fastify/swagger collects while the app starts (every route's options, through onRoute, and the shared
// schemas of every instance, at onReady), collected the same way without loading it: @fastify/swagger, yaml
// and their dependencies (~2 MB resident) are loaded when the document is first asked for, by a private
// instance that registers the same routes over the same shared schemas (swagger.ts).
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'

type Schemas = Map<string, unknown>

export interface CollectedRoutes {
  /** A private instance with @fastify/swagger (registered by `register`) and the app's routes and schemas, ready. */
  build: (register: (instance: FastifyInstance) => Promise<void>) => Promise<FastifyInstance>
}

/** Starts collecting on `app`; routes registered before this call are not listed, as with @fastify/swagger. */
export function collectRoutes (app: FastifyInstance): CollectedRoutes {
  const routes: RouteOptions[] = []
  const instances: FastifyInstance[] = []
  const schemas: Schemas = new Map()
  let ready = false
  // @fastify/swagger lists HEAD routes only when asked to (exposeHeadRoutes), which this app never does.
  app.addHook('onRoute', (route) => { if (route.method !== 'HEAD') routes.push(route) })
  app.addHook('onRegister', (instance) => { instances.push(instance) })
  app.addHook('onReady', async () => {
    // The order @fastify/swagger gives them: every registered instance's, then the root's.
    for (const instance of [...instances, app]) {
      for (const [id, schema] of Object.entries(instance.getSchemas())) schemas.set(id, schema)
    }
    instances.length = 0
    ready = true
  })
  return {
    async build (register) {
      if (!ready) throw new Error('the OpenAPI document is built after the app is ready')
      // The routes are only listed: nothing is validated or served, so nothing is compiled.
      const inner: FastifyInstance = Fastify({ exposeHeadRoutes: false })
      inner.setValidatorCompiler(() => () => true)
      inner.setSerializerCompiler(() => (data) => JSON.stringify(data))
      await register(inner)
      for (const schema of schemas.values()) inner.addSchema(schema)
      const answer = async (): Promise<null> => null
      for (const { method, url, schema, config } of routes) {
        inner.route({ method, url, handler: answer, ...(schema !== undefined ? { schema } : {}), ...(config !== undefined ? { config } : {}) })
      }
      await inner.ready()
      return inner
    }
  }
}
