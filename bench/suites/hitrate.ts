// The embeddings-cache benchmark (issue 3): POST /v1/embeddings through qiao at 0 %, 50 % and 100 % cache
// hits with the memory and the Redis store, the fake upstream's /api/embed as the baseline. Every request is
// a batch of 16 short texts, base64 as openai-node sends; the x-qiao-cache answers seen and the inputs that
// reached the upstream prove the hit rate a row claims. Workload ids (for BENCH_ONLY): fake:baseline,
// memory:0, redis:0, memory:50, redis:50, memory:100, redis:100, memory:100:c1, redis:100:c1.
import { BATCH, embedBody, fresh, HOT, nativeEmbedBody, REPEATED } from '../lib/bodies.js'
import { cannon } from '../lib/load.js'
import { warmUp, type Budget, type Timing } from '../lib/measure.js'
import { startUsage } from '../lib/proc-stats.js'
import { fmt, mdTable, mean, pct } from '../lib/stats.js'
import { ourPids, type Target, type Targets } from '../lib/targets.js'

export const HITRATE_CONNECTIONS = 16
type Kind = 'baseline' | '0' | '50' | '100'

interface Workload { id: string, label: string, target: 'fake' | 'memory' | 'redis', kind: Kind, connections: number }

export interface HitrateRow {
  w: Workload
  rps: number[]
  latencies: number[]
  cache: Map<string, number>
  non2xx: number
  errors: number
  upstreamInputs: number
  ok: number
  sent: number
  qiaoCpu: number[]
  qiaoCpuSeconds: number
  loadCpu: number[]
  otherCpu: number[]
}

export function hitrateWorkloads (): Workload[] {
  const all: Workload[] = [{ id: 'fake:baseline', label: 'fake upstream directly (baseline)', target: 'fake', kind: 'baseline', connections: HITRATE_CONNECTIONS }]
  for (const kind of ['0', '50', '100'] as const) {
    for (const store of ['memory', 'redis'] as const) all.push({ id: `${store}:${kind}`, label: `qiao, ${kind} % hits`, target: store, kind, connections: HITRATE_CONNECTIONS })
  }
  for (const store of ['memory', 'redis'] as const) {
    all.push({ id: `${store}:100:c1`, label: 'qiao, 100 % hits, 1 connection (unloaded latency)', target: store, kind: '100', connections: 1 })
  }
  return all
}

function bodyFor (kind: Kind): () => string {
  if (kind === 'baseline') return () => nativeEmbedBody(fresh(BATCH))
  if (kind === '100') return () => embedBody(HOT, 'base64')
  if (kind === '50') return () => embedBody([...REPEATED, ...fresh(BATCH / 2)], 'base64')
  return () => embedBody(fresh(BATCH), 'base64')
}

async function upstreamInputs (fakeUrl: string): Promise<number> {
  const res = await fetch(`${fakeUrl}/__stats`)
  return (await res.json() as { inputs: number }).inputs
}

/** Upstream input count once requests still in flight from the previous run have landed (at most 2 s). */
async function settledInputs (fakeUrl: string): Promise<number> {
  let last = await upstreamInputs(fakeUrl)
  for (const deadline = Date.now() + 2_000; Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = await upstreamInputs(fakeUrl)
    if (now === last) return now
    last = now
  }
  return last
}

const pathFor = (w: Workload): string => w.kind === 'baseline' ? '/api/embed' : '/v1/embeddings'

async function measure (w: Workload, target: Target, fakeUrl: string, warmup: number, seconds: number, into: HitrateRow): Promise<void> {
  const path = pathFor(w)
  await cannon({ url: target.url, path, body: bodyFor(w.kind), connections: w.connections, seconds: warmup })
  const before = await settledInputs(fakeUrl)
  const stop = startUsage(target.pids(), ourPids)
  const run = await cannon({
    url: target.url,
    path,
    body: bodyFor(w.kind),
    connections: w.connections,
    seconds,
    onHeaders: (headers) => {
      const outcome = headers['x-qiao-cache']
      const key = typeof outcome === 'string' ? outcome : '-'
      into.cache.set(key, (into.cache.get(key) ?? 0) + 1)
    }
  })
  const usage = stop()
  into.upstreamInputs += (await settledInputs(fakeUrl)) - before
  into.rps.push(run.rps)
  for (const ms of run.latencies) into.latencies.push(ms)
  into.non2xx += run.non2xx
  into.errors += run.errors
  into.ok += run.ok
  into.sent += run.sent
  into.qiaoCpu.push(usage.cpu / usage.wall)
  into.qiaoCpuSeconds += usage.cpu
  into.loadCpu.push(usage.loadgenCpu / usage.wall)
  into.otherCpu.push(usage.otherCpu / usage.wall)
}

export async function runHitrate (t: Targets, only: string[], timing: Timing, probeSeconds: number, budget: Budget, log: (line: string) => void): Promise<HitrateRow[]> {
  const selected = hitrateWorkloads().filter((w) => only.length === 0 || only.includes(w.id))
  if (selected.length === 0) throw new Error(`BENCH_ONLY=${only.join(',')} matches no workload; ids: ${hitrateWorkloads().map((w) => w.id).join(', ')}`)
  const fakeUrl = (await t.fake()).url
  const targetOf = async (w: Workload): Promise<Target> => w.target === 'fake' ? await t.fake() : await t.qiao(w.target)
  const rows = new Map<string, HitrateRow>(selected.map((w) => [w.id, {
    w, rps: [], latencies: [], cache: new Map(), non2xx: 0, errors: 0, upstreamInputs: 0, ok: 0, sent: 0, qiaoCpu: [], qiaoCpuSeconds: 0, loadCpu: [], otherCpu: []
  }]))
  // A/B/A/B: for each hit rate, memory and Redis alternate round by round, so drift hits both alike.
  const groups = new Map<string, Workload[]>()
  for (const w of selected) groups.set(`${w.kind}:${w.connections}`, [...(groups.get(`${w.kind}:${w.connections}`) ?? []), w])
  for (const group of groups.values()) {
    const probe = group[0]?.connections === 1
    if (!budget.allows(`hitrate ${group[0]?.kind ?? ''} warm-up`, group.length * (timing.cold + timing.warmupFirst))) continue
    // The 100 % workload starts from a warm cache; the warm-up also fills the repeated half of the 50 % one.
    for (const w of group) await warmUp(await targetOf(w), { path: pathFor(w), body: bodyFor(w.kind) }, timing)
    for (let round = 0; round < (probe ? 1 : timing.rounds); round++) {
      for (const w of group) {
        const warmup = timing.warmup
        const seconds = probe ? probeSeconds : timing.seconds
        if (!budget.allows(`hitrate ${w.id} round ${round + 1}`, warmup + seconds + 0.5)) continue
        const row = rows.get(w.id) as HitrateRow
        await measure(w, await targetOf(w), fakeUrl, warmup, seconds, row)
        log(`  ${w.id.padEnd(14)} ${fmt(row.rps.at(-1) ?? Number.NaN, 0).padStart(7)} req/s  p50 ${fmt(pct(row.latencies, 50), 2)} ms  ` +
          `qiao CPU ${fmt(100 * (row.qiaoCpu.at(-1) ?? Number.NaN), 0)} %  other processes ${fmt(100 * (row.otherCpu.at(-1) ?? Number.NaN), 0)} %`)
      }
    }
  }
  return [...rows.values()].filter((r) => r.rps.length > 0)
}

function cacheSummary (r: HitrateRow): string {
  const total = [...r.cache.values()].reduce((a, b) => a + b, 0)
  if (total === 0) return '-'
  return [...r.cache].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${fmt((100 * n) / total, n === total ? 0 : 1)}%`).join(', ')
}

/** The section of RESULTS.md: table, saturation note, ratios and issue 3's targets. */
export function renderHitrate (rows: HitrateRow[], timing: Timing, probeSeconds: number): string {
  const fake = (r: HitrateRow): boolean => r.w.target === 'fake'
  const table = mdTable(
    ['workload', 'id', '>conns', '>req/s (mean)', '>req/s per round', '>p50 ms', '>p99 ms', 'x-qiao-cache', '>upstream inputs/req', '>qiao CPU', '>qiao CPU ms/req', '>loadgen CPU', '>other processes CPU', '>errors'],
    rows.map((r) => [
      `${r.w.label}${fake(r) ? '' : ` (${r.w.target})`}`, r.w.id, String(r.w.connections), fmt(mean(r.rps), 0), r.rps.map((x) => fmt(x, 0)).join(' / '),
      fmt(pct(r.latencies, 50), 2), fmt(pct(r.latencies, 99), 2), fake(r) ? 'n/a' : cacheSummary(r), fmt(r.sent === 0 ? Number.NaN : r.upstreamInputs / r.sent, 1),
      fake(r) ? 'n/a' : `${fmt(100 * mean(r.qiaoCpu), 0)} %`, fake(r) ? 'n/a' : fmt((1000 * r.qiaoCpuSeconds) / r.ok, 2),
      `${fmt(100 * mean(r.loadCpu), 0)} %`, `${fmt(100 * mean(r.otherCpu), 0)} %`, r.non2xx + r.errors > 0 ? `**${r.non2xx} non-2xx, ${r.errors} socket**` : '0'
    ]))
  const byId = new Map(rows.map((r) => [r.w.id, r]))
  const idle = rows.filter((r) => !fake(r) && r.w.connections > 1 && mean(r.qiaoCpu) < 0.8).map((r) => r.w.id)
  const notes = idle.length === 0
    ? 'qiao used at least 80 % of its core in every loaded run: its req/s is its capacity on this box.'
    : `qiao used less than 80 % of its core in ${idle.join(', ')}: there, req/s is bounded by CPU time qiao could not get ` +
      '(other processes, the load generator, the fake upstream, Redis), not by qiao; "qiao CPU ms/req" and the CPU-per-request ratio are the steadier figures.'
  const ratios: string[] = []
  const targets: string[] = []
  for (const id of ['redis:100', 'redis:100:c1']) {
    const r = byId.get(id)
    if (r === undefined) continue
    const p50 = pct(r.latencies, 50)
    targets.push(`- p50 < 1 ms for a fully cached batch of 16 through Redis (${r.w.connections} connection${r.w.connections > 1 ? 's' : ''}): p50 = ${fmt(p50, 2)} ms → ` +
      `**${p50 < 1 ? `met (${fmt(1 - p50, 2)} ms under)` : `missed (by ${fmt(p50 - 1, 2)} ms, ${fmt(p50, 1)}× the target)`}**`)
  }
  for (const store of ['redis', 'memory'] as const) {
    const zero = byId.get(`${store}:0`)
    const full = byId.get(`${store}:100`)
    if (zero === undefined || full === undefined) continue
    const ratio = mean(full.rps) / mean(zero.rps)
    const cpuRatio = (zero.qiaoCpuSeconds / zero.ok) / (full.qiaoCpuSeconds / full.ok)
    ratios.push(`- ${store}: 100 %-hit req/s ÷ 0 %-hit req/s = **${fmt(ratio, 2)}×** (qiao CPU per request, 0 % ÷ 100 %: ${fmt(cpuRatio, 2)}×, the ratio to expect when qiao's core is the bottleneck)`)
    targets.push(`- 100 %-hit req/s ≥ 5 × 0 %-hit req/s (${store}): ${fmt(mean(full.rps), 0)} / ${fmt(mean(zero.rps), 0)} = ${fmt(ratio, 2)}× → ` +
      `**${ratio >= 5 ? `met (${fmt(ratio / 5, 2)}× the target)` : `missed (by ${fmt(5 - ratio, 2)}×, ${fmt((100 * ratio) / 5, 0)} % of the target)`}**`)
  }
  return `## Embeddings cache: hit rates (issue 3)

- Load: autocannon ${HITRATE_CONNECTIONS} connections, the warm-ups of the Timing line at the top, then ${timing.seconds} s per run,
  ${timing.rounds} round(s) per workload (memory and Redis alternate A/B/A/B), batch of ${BATCH} short texts per request, \`encoding_format: "base64"\`
  through qiao; the baseline posts the same batch to the fake's \`/api/embed\` and gets float JSON back.
  The "1 connection" rows are a ${probeSeconds} s single-connection probe of the fully cached request.
- qiao: memory store (bounded at 64 MB) or Redis (private redis-server), \`cache.embeddings.timeout: ${process.env['BENCH_CACHE_TIMEOUT'] ?? '1s'}\`
  (the 50 ms default trips the cache's circuit breaker on this contended box; see bench/README.md).
- "other processes CPU" is the share of all cores (200 % = both) used during each run by processes that are not part of
  this benchmark; "qiao CPU" is the share of one core qiao used. With ${HITRATE_CONNECTIONS} connections, latency is roughly
  ${HITRATE_CONNECTIONS} ÷ req/s (Little's law), so the loaded p50 reflects throughput, not per-request cost.

${table}

${notes}

Ratios:
${ratios.join('\n')}

Targets from issue 3: "a fully cached batch of 16 answered at p50 under 1 ms through Redis, and at least
5 times the req/s of the same request with every input missing against an upstream that answers instantly":
${targets.join('\n')}
`
}
