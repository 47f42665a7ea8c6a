// CPU time and RSS of processes from /proc, and a sampler that tracks a process tree's peak RSS during a run.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

function statFields (pid: number): string[] | undefined {
  try {
    // After "pid (comm) " the fields start at stat's field 3 (state): utime/stime/ppid shift by 3.
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return text.slice(text.lastIndexOf(') ') + 2).split(' ')
  } catch {
    return undefined
  }
}

/** CPU seconds (user + system) a process has used so far; NaN when unknown. */
export function cpuSeconds (pid: number): number {
  const fields = statFields(pid)
  return fields === undefined ? Number.NaN : (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

/** Resident set size in bytes (VmRSS); NaN when unknown. */
export function rssBytes (pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? Number.NaN : Number(kb) * 1024
  } catch {
    return Number.NaN
  }
}

/** The process and every descendant (a cluster primary and its workers). */
export function processTree (root: number): number[] {
  const parentOf = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const ppid = Number(statFields(Number(entry))?.[1])
    if (!Number.isNaN(ppid)) parentOf.set(ppid, [...(parentOf.get(ppid) ?? []), Number(entry)])
  }
  const out: number[] = []
  for (const queue = [root]; queue.length > 0;) {
    const pid = queue.shift() as number
    out.push(pid)
    queue.push(...(parentOf.get(pid) ?? []))
  }
  return out
}

/** CPU seconds all cores spent busy so far (everything but idle and iowait), from /proc/stat. */
export function busyCpuSeconds (): number {
  const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number)
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
  return (ticks.reduce((a, b) => a + b, 0) - idle) / CLK_TCK
}

export interface Usage {
  wall: number
  /** CPU seconds of the watched processes (summed over the tree). */
  cpu: number
  /** Highest summed RSS of the watched processes seen while sampling, in bytes. */
  peakRss: number
  /** CPU seconds of this process (the load generator). */
  loadgenCpu: number
  /** CPU seconds of everything on the machine outside `ours` and this process. */
  otherCpu: number
}

/**
 * Starts measuring: `watched` are the gateway's pids (sampled every `everyMs` for RSS), `ours` every pid the
 * benchmark started (to tell other users of the machine apart). Call the result to stop and read.
 */
export function startUsage (watched: number[], ours: () => number[], everyMs = 50): () => Usage {
  const sum = (pids: number[], read: (pid: number) => number): number => pids.reduce((s, pid) => {
    const v = read(pid)
    return Number.isNaN(v) ? s : s + v
  }, 0)
  const cpu0 = sum(watched, cpuSeconds)
  const ours0 = sum(ours(), cpuSeconds)
  const busy0 = busyCpuSeconds()
  const load0 = process.cpuUsage()
  const t0 = performance.now()
  let peakRss = sum(watched, rssBytes)
  const timer = setInterval(() => { peakRss = Math.max(peakRss, sum(watched, rssBytes)) }, everyMs)
  return () => {
    clearInterval(timer)
    peakRss = Math.max(peakRss, sum(watched, rssBytes))
    const wall = (performance.now() - t0) / 1000
    const load = process.cpuUsage(load0)
    const loadgenCpu = (load.user + load.system) / 1e6
    const otherCpu = Math.max(0, busyCpuSeconds() - busy0 - (sum(ours(), cpuSeconds) - ours0) - loadgenCpu)
    return { wall, cpu: sum(watched, cpuSeconds) - cpu0, peakRss, loadgenCpu, otherCpu }
  }
}
