// One measured run = warm-up (discarded) + a fixed-duration autocannon run while the target's processes
// are sampled; rounds of the same workload pool into one Summary. The run budget keeps the whole
// benchmark within its time limit: once spent, remaining runs are skipped and said to be.
import { cannon, type CannonOptions } from './load.js'
import { startUsage, type Usage } from './proc-stats.js'
import { max, mean, pct } from './stats.js'
import { ourPids, type Target } from './targets.js'

export interface Timing {
  /** Seconds of load at concurrency 32 the first time a process is used: its JIT takes 3–4 s to settle. */
  cold: number
  /** Seconds of load at concurrency 32 before a workload's first run on each target (its own code path). */
  warmupFirst: number
  /** Seconds of load at the run's concurrency before every run. */
  warmup: number
  seconds: number
  rounds: number
}

export class Budget {
  readonly skipped: string[] = []
  constructor (readonly deadline: number) {}
  remainingMs (): number { return Math.max(0, this.deadline - performance.now()) }
  /** False (and the run is noted as skipped) when `seconds` more would overrun the deadline. */
  allows (what: string, seconds: number): boolean {
    if (performance.now() + seconds * 1000 <= this.deadline) return true
    this.skipped.push(what)
    return false
  }
}

export interface Round extends Usage {
  rps: number
  ok: number
  latencies: number[]
  non2xx: number
  errors: number
}

export type Load = Omit<CannonOptions, 'url' | 'seconds' | 'connections'>

const warmed = new WeakSet<Target>()

/** A process's first load, then a workload's first load on it, both at concurrency 32 and discarded. */
export async function warmUp (target: Target, load: Load, timing: Timing): Promise<void> {
  if (!warmed.has(target)) {
    warmed.add(target)
    await cannon({ ...load, url: target.url, connections: 32, seconds: timing.cold })
  }
  await cannon({ ...load, url: target.url, connections: 32, seconds: timing.warmupFirst })
}

export async function measureRound (target: Target, load: Load, connections: number, warmup: number, seconds: number): Promise<Round> {
  if (warmup > 0) await cannon({ ...load, url: target.url, connections, seconds: warmup })
  const stop = startUsage(target.pids(), ourPids)
  const run = await cannon({ ...load, url: target.url, connections, seconds })
  return { ...stop(), rps: run.rps, ok: run.ok, latencies: run.latencies, non2xx: run.non2xx, errors: run.errors }
}

export interface Summary {
  rounds: number[]
  rps: number
  ok: number
  p50: number
  p99: number
  max: number
  non2xx: number
  errors: number
  /** NaN when the target's processes are not measured (the fake upstream). */
  peakRss: number
  cpuPer1k: number
  /** Share of one core the target used, and of all cores used by other processes on the machine. */
  cpuShare: number
  otherShare: number
}

export function summarize (rounds: Round[], measured: boolean): Summary {
  const all = rounds.flatMap((r) => r.latencies)
  const ok = rounds.reduce((s, r) => s + r.ok, 0)
  const cpu = rounds.reduce((s, r) => s + r.cpu, 0)
  const wall = rounds.reduce((s, r) => s + r.wall, 0)
  return {
    rounds: rounds.map((r) => r.rps),
    rps: mean(rounds.map((r) => r.rps)),
    ok,
    p50: pct(all, 50),
    p99: pct(all, 99),
    max: max(all),
    non2xx: rounds.reduce((s, r) => s + r.non2xx, 0),
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    peakRss: measured ? max(rounds.map((r) => r.peakRss)) : Number.NaN,
    cpuPer1k: measured && ok > 0 ? (1000 * cpu) / ok : Number.NaN,
    cpuShare: measured ? cpu / wall : Number.NaN,
    otherShare: rounds.reduce((s, r) => s + r.otherCpu, 0) / wall
  }
}
