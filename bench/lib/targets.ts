// What a workload is aimed at: the fake upstream (direct), the minimal proxy, or a qiao instance. Each is
// started once, on first use, in its own process, and pinned as lib/procs.ts's pinning says.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { children, ROOT, startAnnounced, startRedis, type Child, type Pinning } from './procs.js'
import { benchScript } from './compiled.js'
import { processTree, rssBytes } from './proc-stats.js'

export interface Target {
  name: string
  url: string
  /** The measured processes (RSS and CPU): empty for the fake upstream, which is not what is measured. */
  pids: () => number[]
  child: Child | undefined
  /** RSS right after start-up, before any load (bytes; NaN when not measured). */
  idleRss: number
}

/** memory: the main instance; metrics / nometrics: two fresh twins for the metrics on/off pair. */
export type QiaoVariant = 'memory' | 'redis' | 'metrics' | 'nometrics'

export interface TargetOptions {
  pinning: Pinning
  /** The minimal proxy's CPU: the gateway's by default, so it is measured like qiao. */
  proxyCpu: string | undefined
  profileDir: string | undefined
  echoQiao: boolean
}

export const PROFILE_DIR = join(ROOT, 'bench', 'profiles')

export class Targets {
  private readonly started = new Map<string, Promise<Target>>()
  /** qiao's pid → variant, to name --cpu-prof files. */
  readonly qiaoPids = new Map<number, QiaoVariant>()

  constructor (private readonly o: TargetOptions) {}

  private once (key: string, start: () => Promise<Target>): Promise<Target> {
    let t = this.started.get(key)
    if (t === undefined) this.started.set(key, t = start())
    return t
  }

  fake (): Promise<Target> {
    return this.once('fake', async () => {
      const { child, url } = await startAnnounced('fake upstream', process.execPath, [benchScript('fake-upstream')], { cpu: this.o.pinning.other })
      return { name: 'direct', url, pids: () => [], child, idleRss: Number.NaN }
    })
  }

  proxy (): Promise<Target> {
    return this.once('proxy', async () => {
      const upstream = (await this.fake()).url
      const { child, url } = await startAnnounced('minimal proxy', process.execPath, [benchScript('minimal-proxy')],
        { cpu: this.o.proxyCpu, env: { ...process.env, BENCH_UPSTREAM_URL: upstream } })
      return { name: 'proxy', url, pids: () => [child.pid], child, idleRss: rssBytes(child.pid) }
    })
  }

  private redis (): Promise<{ url: string, child: Child }> {
    let r = this.redisStarted
    if (r === undefined) this.redisStarted = r = startRedis(this.o.pinning.other)
    return r
  }

  private redisStarted: Promise<{ url: string, child: Child }> | undefined

  qiao (variant: QiaoVariant): Promise<Target> {
    return this.once(`qiao:${variant}`, async () => {
      const upstream = (await this.fake()).url
      const env: NodeJS.ProcessEnv = { ...process.env, BENCH_UPSTREAM_URL: upstream, NODE_ENV: 'production', BENCH_METRICS: variant === 'nometrics' ? '0' : '1' }
      if (variant === 'redis') {
        const redis = await this.redis()
        env['BENCH_REDIS_URL'] = redis.url
        env['BENCH_REDIS_PID'] = String(redis.child.pid)
      } else delete env['BENCH_REDIS_URL']
      // Extra node flags for qiao alone (e.g. heap sizing), space-separated: BENCH_QIAO_NODE_FLAGS.
      const args: string[] = (process.env['BENCH_QIAO_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '')
      if (this.o.profileDir !== undefined) {
        mkdirSync(this.o.profileDir, { recursive: true })
        // Default file names carry pid and thread id.
        args.push('--cpu-prof', '--cpu-prof-dir', this.o.profileDir)
        env['BENCH_UNBUNDLED'] = '1' // the profile's summary groups time by source file
      }
      const name = variant === 'memory' ? 'qiao' : `qiao (${variant})`
      const { child, url, info } = await startAnnounced(name, process.execPath, [...args, benchScript('serve')], { cpu: this.o.pinning.gateway, env, echoStderr: this.o.echoQiao })
      const store = variant === 'redis' ? 'redis' : 'memory'
      if (info['store'] !== store) throw new Error(`${name} started with the ${String(info['store'])} store (redis: ${String(info['redis'])})`)
      this.qiaoPids.set(child.pid, variant)
      return { name, url, pids: () => [child.pid], child, idleRss: rssBytes(child.pid) }
    })
  }
}

/** Every process the benchmark started, with descendants (cluster workers): to tell other users' CPU apart. */
export const ourPids = (): number[] => children.flatMap((c) => processTree(c.pid))
