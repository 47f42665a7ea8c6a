// GET /admin/stats as the console reads it.
export interface Quantiles { p50: number | null, p95: number | null, count: number }

export interface ProviderStats {
  id: string
  type: string
  models: string[]
  in_flight: number
  queued: number
  requests: number
  failures: Record<string, number>
  latency: Quantiles
  circuits: Array<{ target: string, state: string }>
}

export type RedisTopology = 'server' | 'cluster' | 'sentinel'

export interface RedisNode {
  address: string
  role: 'master' | 'replica' | 'sentinel'
  state: 'up' | 'down'
}

/** How Redis is run and each node's state, asked live; null without Redis. */
export interface RedisStats {
  topology: RedisTopology
  state: 'up' | 'down'
  nodes: RedisNode[]
  /** Sentinel only: the monitored master's name. */
  name?: string
}

export interface Stats {
  since: string
  metrics: boolean
  latency: Quantiles
  time_to_first_token: Quantiles
  embedding_cache: { hits: number, misses: number, errors: number, bypassed: number }
  providers: ProviderStats[]
  redis: RedisStats | null
}
