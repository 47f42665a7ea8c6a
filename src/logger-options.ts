import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config/schema.js'

/** pino options: JSON lines, with every place a secret could sit redacted. */
export function loggerOptions (config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.log.level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'headers.authorization', 'apiKey', '*.apiKey', 'config.providers[*].apiKey'],
      censor: '[redacted]'
    }
  }
}
