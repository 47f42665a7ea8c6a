// Several processes sharing one port through node:cluster: Node runs one core per process. All shared
// state lives in Redis, so workers need nothing from each other.
import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { Config } from './config/schema.js'

/** `--workers N|auto` on the command line wins over `server.workers` (config or QIAO_WORKERS). */
export function workerCount (config: Config, argv: string[]): number {
  const flag = argv.findIndex((arg) => arg === '--workers' || arg.startsWith('--workers='))
  const raw = flag < 0 ? config.server.workers : (argv[flag]?.includes('=') === true ? argv[flag]?.split('=')[1] : argv[flag + 1])
  if (raw === 'auto') return availableParallelism()
  const count = Number(raw)
  if (!Number.isInteger(count) || count < 1) throw new Error(`--workers takes a whole number of processes or "auto", got "${String(raw)}"`)
  return count
}

/**
 * The primary forks the workers, replaces one that dies unexpectedly, passes SIGTERM/SIGINT on and exits
 * once every worker has drained and exited.
 */
export function runPrimary (count: number, log: (msg: string) => void): void {
  let stopping = false
  const fork = (): void => { cluster.fork() }
  for (let i = 0; i < count; i++) fork()
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
      return
    }
    log(`worker ${worker.process.pid ?? '?'} exited (${signal ?? code}); starting another`)
    fork()
  })
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      log(`${signal}: stopping ${count} workers`)
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
    })
  }
}

export const isPrimary = (): boolean => cluster.isPrimary
