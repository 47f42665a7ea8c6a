import type { Config } from './schema.js'

export const DEFAULT_CONFIG: Config = {
  server: { host: '127.0.0.1', port: 8080, bodyLimit: 10 * 1024 * 1024, shutdownTimeout: '30s', workers: 1 },
  log: { level: 'info' },
  redis: { keyPrefix: 'qiao:' },
  providers: [],
  models: [],
  cache: {
    embeddings: { enabled: true, ttl: '30d', maxBytes: 256 * 1024 * 1024, localMaxBytes: 32 * 1024 * 1024, scope: 'team', timeout: '50ms' }
  },
  auth: { allowAnonymous: false },
  keys: [],
  teams: [],
  pricing: { currency: 'CNY', models: {} },
  alerts: {},
  usage: { retention: '90d' },
  responses: { ttl: '30d' },
  metrics: { enabled: true, auth: false }
}
