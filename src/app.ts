// The composition root: builds the Fastify app from a Config. Never listens; server.ts does.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from './config/schema.js'
import auth from '../plugins/auth.js'
import consolePlugin from '../plugins/console.js'
import configPlugin from '../plugins/config.js'
import embeddingCache from '../plugins/embedding-cache.js'
import errorHandler from '../plugins/error-handler.js'
import lifecycle from '../plugins/lifecycle.js'
import metrics from '../plugins/metrics.js'
import modelRouter from '../plugins/model-router.js'
import pricing from '../plugins/pricing.js'
import redis from '../plugins/redis.js'
import resilientCaller from '../plugins/resilient-caller.js'
import session from '../plugins/session.js'
import requestContext from '../plugins/request-context.js'
import swagger from '../plugins/swagger.js'
import { lazyValidatorFactory } from './lazy-validation.js'
import { newRequestId } from './request-id.js'
import { adminRoutes } from './routes/admin.js'
import { chatCompletionsRoutes } from './routes/chat-completions.js'
import { completionsRoutes } from './routes/completions.js'
import { embeddingsRoutes } from './routes/embeddings.js'
import { healthRoutes } from './routes/health.js'
import { messagesRoutes } from './routes/messages.js'
import { modelsRoutes } from './routes/models.js'
import { responsesRoutes } from './routes/responses.js'
import { rerankRoutes } from './routes/rerank.js'

export interface BuildOptions {
  logger?: FastifyServerOptions['logger']
  loggerInstance?: FastifyServerOptions['loggerInstance']
  /** Compile every route's validation schemas while starting, as Fastify does by default (tests); else on first use. */
  compileSchemasAtStart?: boolean
}

async function redisStatus (app: FastifyInstance): Promise<'up' | 'down' | 'disabled'> {
  return app.redisReport === undefined ? 'disabled' : (await app.redisReport.read()).state
}

export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance !== undefined ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    bodyLimit: config.server.bodyLimit,
    genReqId: newRequestId,
    requestIdHeader: false,
    // One line per request is written by plugins/request-context.ts instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    // plugins/lifecycle.ts answers during shutdown with an OpenAI-style 503 instead.
    return503OnClosing: false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false } },
    schemaController: {
      compilersFactory: {
        // Answers are serialised whole: a response schema documents them but must never drop a backend's extra
        // fields. Given here rather than with setSerializerCompiler, Fastify never loads fast-json-stringify.
        buildSerializer: () => () => (data) => JSON.stringify(data),
        ...(options.compileSchemasAtStart === true ? {} : { buildValidator: lazyValidatorFactory() })
      }
    }
  })
  // The API takes JSON only; a text/plain body is a 415, not a confusing schema error.
  app.removeContentTypeParser('text/plain')

  await app.register(configPlugin, { config })
  await app.register(requestContext)
  await app.register(errorHandler)
  await app.register(lifecycle)
  await app.register(redis)
  await app.register(pricing)
  await app.register(session)
  await app.register(auth)
  await app.register(modelRouter)
  await app.register(resilientCaller)
  await app.register(embeddingCache)
  if (config.metrics.enabled) await app.register(metrics)
  await app.register(swagger)
  await app.register(consolePlugin)

  await app.register(healthRoutes, { checks: [{ name: 'redis', check: async () => await redisStatus(app) }], redis: async () => await app.redisReport?.read() })
  await app.register(adminRoutes)
  for (const [prefix, hide] of [['/v1', false], ['', true]] as const) {
    await app.register(async (api) => {
      await api.register(chatCompletionsRoutes, { hide })
      await api.register(embeddingsRoutes, { hide })
      await api.register(modelsRoutes, { hide })
      await api.register(messagesRoutes, { hide })
      await api.register(rerankRoutes, { hide })
      await api.register(completionsRoutes, { hide })
    }, { prefix })
  }
  await app.register(responsesRoutes)
  await app.register(rerankRoutes, { prefix: '/v2', hide: true })
  await app.register(completionsRoutes, { prefix: '/beta', hide: true })
  return app
}
