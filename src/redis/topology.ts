// What /readyz says about Redis: how it is run and the state of each node, asked live (each probe at most
// PROBE_MS) and remembered for a moment so that frequent health checks do not multiply Redis traffic.
import type { Cluster, Redis } from 'ioredis'
import type { Config } from '../config/schema.js'
import { parseRedisUrl, type RedisClient, type Topology } from './connect.js'

const PROBE_MS = 300
const REMEMBER_MS = 1_000
// A one-off connection that neither retries nor queues: a sentinel that is down answers 'down' at once.
const PROBE_OPTIONS = { lazyConnect: true, connectTimeout: PROBE_MS, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false }

export interface NodeState {
  address: string
  role: 'master' | 'replica' | 'sentinel'
  state: 'up' | 'down'
}

export interface RedisReport {
  topology: Topology
  /** up: every master answers; down: the client is not connected or a master (a shard) is lost. */
  state: 'up' | 'down'
  nodes: NodeState[]
  /** Sentinel only: the monitored master's name. */
  name?: string
}

async function answers (ask: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'down'>((resolve) => { timer = setTimeout(() => { resolve('down') }, PROBE_MS) })
  try {
    return await Promise.race([ask().then(() => 'up' as const, () => 'down' as const), late])
  } finally {
    clearTimeout(timer)
  }
}

const addressOf = (node: Redis): string => `${node.options.host ?? ''}:${node.options.port ?? 6379}`

async function clusterNodes (cluster: Cluster): Promise<NodeState[]> {
  const masters = new Set(cluster.nodes('master'))
  const nodes = cluster.nodes('all')
  return await Promise.all(nodes.map(async (node) => ({
    address: addressOf(node),
    role: masters.has(node) ? 'master' as const : 'replica' as const,
    state: await answers(async () => await node.ping())
  })))
}

async function sentinelNodes (client: Redis, sentinel: NonNullable<Config['redis']['sentinel']>): Promise<NodeState[]> {
  const { Redis: RedisClass } = await import('ioredis')
  const stream = (client as unknown as { stream?: { remoteAddress?: string, remotePort?: number } }).stream
  const master: NodeState = {
    address: client.status === 'ready' && stream?.remoteAddress !== undefined ? `${stream.remoteAddress}:${stream.remotePort ?? ''}` : 'unknown',
    role: 'master',
    state: client.status === 'ready' ? await answers(async () => await client.ping()) : 'down'
  }
  const sentinels = await Promise.all(sentinel.nodes.map(async (url) => {
    const { host, port, username, password, tls } = parseRedisUrl(url)
    const probe = new RedisClass({ host, port, username, password, ...(tls ? { tls: {} } : {}), ...PROBE_OPTIONS })
    probe.on('error', () => {})
    const state = await answers(async () => { await probe.connect(); await probe.call('SENTINEL', 'get-master-addr-by-name', sentinel.name) })
    probe.disconnect()
    return { address: `${host}:${port}`, role: 'sentinel' as const, state }
  }))
  return [master, ...sentinels]
}

export class RedisTopologyReport {
  private last: { at: number, report: Promise<RedisReport> } | undefined

  constructor (private readonly client: RedisClient, private readonly topology: Topology, private readonly config: Config['redis']) {}

  async read (): Promise<RedisReport> {
    if (this.last !== undefined && Date.now() - this.last.at < REMEMBER_MS) return await this.last.report
    const report = this.probe()
    this.last = { at: Date.now(), report }
    return await report
  }

  private async probe (): Promise<RedisReport> {
    const client = this.client
    if (this.topology === 'cluster') {
      const nodes = client.status === 'ready' ? await clusterNodes(client as Cluster) : []
      const up = client.status === 'ready' && nodes.filter((n) => n.role === 'master').every((n) => n.state === 'up')
      return { topology: 'cluster', state: up ? 'up' : 'down', nodes }
    }
    if (this.topology === 'sentinel' && this.config.sentinel !== undefined) {
      const nodes = await sentinelNodes(client as Redis, this.config.sentinel)
      return { topology: 'sentinel', name: this.config.sentinel.name, state: nodes[0]?.state ?? 'down', nodes }
    }
    const state = client.status === 'ready' ? await answers(async () => await client.ping()) : 'down'
    return { topology: 'server', state, nodes: [{ address: addressOf(client as Redis), role: 'master', state }] }
  }
}
