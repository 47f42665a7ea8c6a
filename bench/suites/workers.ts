// Scaling out: src/server.ts (the real entry point, through tsx and bench/server-guard.ts) with `--workers 1` and `--workers 2` and a
// config file, both unpinned (node:cluster spreads the workers over both cores, which the load generator and
// the fake upstream share), non-streaming chat at concurrency 32, A/B/A/B.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chatBody, CHAT_MODEL } from '../lib/bodies.js'
import { measureRound, summarize, type Budget, type Round, type Summary, type Timing } from '../lib/measure.js'
import { processTree, rssBytes } from '../lib/proc-stats.js'
import { freePort, sleep, startChild, stopChild, type Child, type Pinning } from '../lib/procs.js'
import { benchConfig } from '../lib/qiao-config.js'
import { fmt, pct } from '../lib/stats.js'
import type { Target, Targets } from '../lib/targets.js'

export interface WorkersCell { workers: number, conc: number, summary: Summary }

/** One GET on a new connection: with node:cluster each new connection may land on another worker. */
async function getFresh (url: string): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk }).on('end', () => { resolve({ status: res.statusCode ?? 0, body }) })
    })
    req.setTimeout(2000, () => { req.destroy(new Error('timeout')) })
    req.once('error', reject)
    req.end()
  })
}

/** Ready once `workers` distinct processes answer /metrics (told apart by their start time). */
async function waitForWorkers (child: Child, url: string, workers: number, timeoutMs = 90_000): Promise<void> {
  const seen = new Set<string>()
  const deadline = Date.now() + timeoutMs
  while (seen.size < workers) {
    if (child.proc.exitCode !== null) throw new Error(`qiao --workers ${workers} exited\n${child.stderr()}`)
    if (Date.now() > deadline) throw new Error(`qiao --workers ${workers}: ${seen.size} workers ready after ${timeoutMs} ms\n${child.stderr()}`)
    const answer = await getFresh(`${url}/metrics`).catch(() => undefined)
    const started = answer?.status === 200 ? /^qiao_process_start_time_seconds (\S+)/m.exec(answer.body)?.[1] : undefined
    if (started !== undefined) seen.add(started)
    else await sleep(250)
  }
}

async function startServer (workers: number, upstream: string, dir: string, pinning: Pinning): Promise<Target> {
  const port = await freePort()
  const file = join(dir, `qiao-workers-${workers}.yaml`)
  // JSON is YAML; metrics stay on (the readiness check reads them).
  writeFileSync(file, JSON.stringify(benchConfig(upstream, { port }), null, 2))
  const child = startChild(`qiao --workers ${workers}`, process.execPath, ['--import', 'tsx', join('bench', 'server-guard.ts'), '--config', file, '--workers', String(workers)],
    { cpu: pinning.all, env: { ...process.env, NODE_ENV: 'production' }, echoStderr: true })
  const url = `http://127.0.0.1:${port}`
  await waitForWorkers(child, url, workers)
  const pids = (): number[] => processTree(child.pid)
  return { name: `qiao --workers ${workers}`, url, pids, child, idleRss: pids().reduce((sum, pid) => sum + rssBytes(pid), 0) }
}

export async function runWorkers (t: Targets, pinning: Pinning, timing: Timing, budget: Budget, log: (line: string) => void): Promise<WorkersCell[]> {
  const upstream = (await t.fake()).url
  const dir = mkdtempSync(join(tmpdir(), 'qiao-bench-'))
  const servers: Target[] = []
  try {
    for (const n of [1, 2]) servers.push(await startServer(n, upstream, dir, pinning))
    const conc = 32
    const load = { path: '/v1/chat/completions', body: chatBody(CHAT_MODEL, false) }
    const rounds = servers.map((): Round[] => [])
    for (let round = 0; round < timing.rounds; round++) {
      for (const [i, server] of servers.entries()) {
        const warmup = round === 0 ? timing.warmupFirst : timing.warmup
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
