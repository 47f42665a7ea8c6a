// The environment variables qiao reads, in one table (README documents the same list).
export const ENV_OVERRIDES = {
  HOST: 'server.host',
  PORT: 'server.port',
  REDIS_URL: 'redis.url',
  REDIS_CLUSTER: 'redis.cluster',
  REDIS_SENTINEL_NAME: 'redis.sentinel.name',
  REDIS_SENTINEL_NODES: 'redis.sentinel.nodes',
  LOG_LEVEL: 'log.level',
  QIAO_MASTER_KEY: 'auth.masterKey',
  QIAO_WORKERS: 'server.workers'
} as const

export const CONFIG_FILE_ENV = 'QIAO_CONFIG'
export const DEFAULT_CONFIG_FILE = 'qiao.yaml'
export const OLLAMA_BASE_URL_ENV = 'OLLAMA_BASE_URL'
