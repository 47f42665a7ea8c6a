// Scaling out: src/server.ts (the real entry point, compiled, through bench/server-guard.ts) with `--workers 1` and `--workers 2` and a
// config file, both unpinned (node:cluster spreads the workers over both cores, which the load generator and
// the fake upstream share), non-streaming chat at concurrency 32, A/B/A/B.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chatBody, CHAT_MODEL } from '../lib/bodies.js'
import { measureRound, summarize, warmUp, type Budget, type Round, type Summary, type Timing } from '../lib/measure.js'
import { cpuSeconds, processTree, rssBytes } from '../lib/proc-stats.js'
import { freePort, sleep, startChild, stopChild, type Child, type Pinning } from '../lib/procs.js'
import { benchConfig } from '../lib/qiao-config.js'
import { benchScript } from '../lib/compiled.js'
import { fmt, pct } from '../lib/stats.js'
import type { Target, Targets } from '../lib/targets.js'

export interface WorkersCell { workers: number, conc: number, summary: Summary }

/** Ready once /healthz answers and every process (primary and N workers) has finished starting:
 * start-up is seconds of CPU, so a worker whose CPU time stops growing is up and listening. */
async function waitForWorkers (child: Child, url: string, workers: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = new Map<number, number>()
  for (;;) {
    if (child.proc.exitCode !== null) throw new Error(`qiao --workers ${workers} exited\n${child.stderr()}`)
    if (Date.now() > deadline) throw new Error(`qiao --workers ${workers} not ready after ${timeoutMs} ms\n${child.stderr()}`)
    await sleep(500)
    const pids = processTree(child.pid)
    const now = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]))
    const settled = pids.length === (workers > 1 ? workers + 1 : 1) && pids.every((pid) => (now.get(pid) ?? 0) - (last.get(pid) ?? 0) < 0.05)
    last = now
    if (settled && (await fetch(`${url}/healthz`).then((res) => res.ok, () => false))) return
  }
}

async function startServer (workers: number, upstream: string, dir: string, pinning: Pinning, timeoutMs: number): Promise<Target> {
  const port = await freePort()
  const file = join(dir, `qiao-workers-${workers}.yaml`)
  // JSON is YAML.
  writeFileSync(file, JSON.stringify(benchConfig(upstream, { port }), null, 2))
  const child = startChild(`qiao --workers ${workers}`, process.execPath, [benchScript('server-guard'), '--config', file, '--workers', String(workers)],
    { cpu: pinning.all, env: { ...process.env, NODE_ENV: 'production' }, echoStderr: true })
  const url = `http://127.0.0.1:${port}`
  await waitForWorkers(child, url, workers, timeoutMs)
  const pids = (): number[] => processTree(child.pid)
  return { name: `qiao --workers ${workers}`, url, pids, child, idleRss: pids().reduce((sum, pid) => sum + rssBytes(pid), 0) }
}

export async function runWorkers (t: Targets, pinning: Pinning, timing: Timing, budget: Budget, log: (line: string) => void): Promise<WorkersCell[]> {
  const upstream = (await t.fake()).url
  const dir = mkdtempSync(join(tmpdir(), 'qiao-bench-'))
  const servers: Target[] = []
  try {
    for (const n of [1, 2]) servers.push(await startServer(n, upstream, dir, pinning, Math.min(90_000, budget.remainingMs())))
    const conc = 32
    const load = { path: '/v1/chat/completions', body: chatBody(CHAT_MODEL, false) }
    const rounds = servers.map((): Round[] => [])
    if (!budget.allows('workers warm-up', servers.length * (timing.cold + timing.warmupFirst))) return []
    for (const server of servers) await warmUp(server, load, timing)
    for (let round = 0; round < timing.rounds; round++) {
      for (const [i, server] of servers.entries()) {
        const warmup = timing.warmup
        if (!budget.allows(`workers ${i + 1} round ${round + 1}`, warmup + timing.seconds)) continue
        const r = await measureRound(server, load, conc, warmup, timing.seconds)
        rounds[i]?.push(r)
        log(`  ${server.name.padEnd(20)} c${conc} ${fmt(r.rps, 0).padStart(6)} req/s  p50 ${fmt(pct(r.latencies, 50), 2)} ms  p99 ${fmt(pct(r.latencies, 99), 2)} ms` +
          `${r.non2xx + r.errors > 0 ? `  ERRORS non-2xx ${r.non2xx} socket ${r.errors}` : ''}`)
      }
    }
    return rounds.flatMap((r, i) => r.length === 0 ? [] : [{ workers: i + 1, conc, summary: summarize(r, true) }])
  } finally {
    for (const server of servers) if (server.child !== undefined) await stopChild(server.child)
    rmSync(dir, { recursive: true, force: true })
  }
}
