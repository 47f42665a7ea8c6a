// One client for the three ways Redis is run: one server (`redis.url`), a Cluster (`redis.cluster`, seed
// nodes) and a master behind Sentinel (`redis.sentinel`). All three fail fast while Redis is away (no offline
// queue) so callers fall back at once, and keep reconnecting in the background.
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis'
import type { Config } from '../config/schema.js'

export type RedisClient = Redis | Cluster
export type Topology = 'server' | 'cluster' | 'sentinel'

const CONNECT_TIMEOUT_MS = 2_000
const reconnectDelay = (attempt: number): number => Math.min(attempt * 100, 1_000)

export interface Address { host: string, port: number }

/** Host, port and credentials of a redis:// or rediss:// URL. */
export function parseRedisUrl (url: string): Address & { username?: string, password?: string, tls: boolean } {
  const parsed = new URL(url)
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
    tls: parsed.protocol === 'rediss:'
  }
}

function credentials (url: ReturnType<typeof parseRedisUrl>): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  return {
    ...(url.username !== undefined ? { username: url.username } : {}),
    ...(url.password !== undefined ? { password: url.password } : {}),
    ...(url.tls ? { tls: {} } : {})
  }
}

type SentinelConnectorClass = typeof import('ioredis').SentinelConnector

/**
 * ioredis' SentinelConnector, except that each connection attempt first retires the failover detector left by
 * the connection before it. ioredis (5.x) subscribes a detector to the sentinels' +switch-master when a
 * connection to the master opens, and drops it only when the next one opens. So when the master dies, the lost
 * connection's detector is still listening while the client reconnects, and the +switch-master that ends the
 * failover makes it call the connector's disconnect(). If an attempt is at that moment waiting for a sentinel to
 * name the master, that call cancels it: the attempt fails with "Connection is closed.", which the client takes
 * as final (status `end`, retryStrategy never asked), and qiao stays without Redis until restarted. The longer
 * the wait (a busy event loop, a distant sentinel), the likelier. A reconnecting client asks the sentinels
 * anyway, so the old detector has nothing left to do; the new connection gets its own once it opens.
 * `failoverDetector` is a private field of ioredis' connector: test/redis/sentinel-switch-race.test.ts fails
 * if an upgrade renames it.
 */
export function retiringLostDetectors (Base: SentinelConnectorClass): NonNullable<RedisOptions['Connector']> {
  return class extends Base {
    // The client hands its own options (RedisOptions, sentinel fields included), as to ioredis' own connector.
    constructor (options: unknown) { super(options as ConstructorParameters<SentinelConnectorClass>[0]) }

    override async connect (...args: Parameters<InstanceType<SentinelConnectorClass>['connect']>): ReturnType<InstanceType<SentinelConnectorClass>['connect']> {
      const own = this as unknown as { failoverDetector?: { cleanup: () => void } | null }
      own.failoverDetector?.cleanup()
      own.failoverDetector = null
      return await super.connect(...args)
    }
  }
}

/** undefined when no Redis is configured; ioredis (~6 MB resident) is loaded only when one is. */
export async function connectRedis (config: Config['redis']): Promise<{ client: RedisClient, topology: Topology } | undefined> {
  const { keyPrefix } = config
  const common = { keyPrefix, enableAutoPipelining: true, enableOfflineQueue: false }
  if (config.cluster !== undefined) {
    const { Cluster: ClusterClient } = await import('ioredis')
    const seeds = config.cluster.map(parseRedisUrl)
    const options: ClusterOptions = {
      ...common,
      redisOptions: { ...credentials(seeds[0] as ReturnType<typeof parseRedisUrl>), connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 1 },
      clusterRetryStrategy: reconnectDelay,
      // A failover takes the cluster's node timeout; commands meanwhile fail and callers fall back.
      retryDelayOnClusterDown: 100,
      retryDelayOnFailover: 100,
      maxRedirections: 4,
      slotsRefreshTimeout: CONNECT_TIMEOUT_MS
    }
    return { client: new ClusterClient(seeds.map(({ host, port }) => ({ host, port })), options), topology: 'cluster' }
  }
  if (config.sentinel === undefined && config.url === undefined) return undefined
  const { Redis: RedisClientClass, SentinelConnector } = await import('ioredis')
  const shared: RedisOptions = { ...common, maxRetriesPerRequest: 1, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: reconnectDelay }
  if (config.sentinel !== undefined) {
    const nodes = config.sentinel.nodes.map(parseRedisUrl)
    const first = nodes[0] as ReturnType<typeof parseRedisUrl>
    const auth = credentials(first)
    return {
      client: new RedisClientClass({
        ...shared,
        ...auth,
        name: config.sentinel.name,
        sentinels: nodes.map(({ host, port }) => ({ host, port })),
        // The sentinels share the master's credentials and TLS unless a deployment says otherwise.
        ...(auth.username !== undefined ? { sentinelUsername: auth.username } : {}),
        ...(auth.password !== undefined ? { sentinelPassword: auth.password } : {}),
        ...(first.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        sentinelRetryStrategy: reconnectDelay,
        // Without it a sentinel that accepts the connection but never answers (a hung process, a proxy in front
        // of a dead one) holds each connection attempt forever instead of letting it ask the next sentinel.
        sentinelCommandTimeout: CONNECT_TIMEOUT_MS,
        // Reconnect on the sentinels' +switch-master rather than on the next failed command.
        failoverDetector: true,
        Connector: retiringLostDetectors(SentinelConnector)
      }),
      topology: 'sentinel'
    }
  }
  return config.url === undefined ? undefined : { client: new RedisClientClass(config.url, shared), topology: 'server' }
}
