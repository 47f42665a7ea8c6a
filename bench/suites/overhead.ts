// The wire-to-wire matrix: each workload at each concurrency, straight at the fake upstream, through the
// minimal proxy and through qiao, lanes interleaved round by round (A/B/C/A/B/C) so drift hits all alike.
// Also the cost of metrics (qiao with metrics on vs off, same interleaving).
import { chatBody, CHAT_MODEL, embedBody, fresh, HOT, nativeEmbedBody, BATCH } from '../lib/bodies.js'
import { measureRound, summarize, warmUp, type Budget, type Load, type Round, type Summary, type Timing } from '../lib/measure.js'
import { fmt, pct } from '../lib/stats.js'
import type { Target, Targets } from '../lib/targets.js'

export interface Lane {
  label: string
  target: () => Promise<Target>
  load: Load
}

export interface Workload {
  suite: string
  id: string
  label: string
  lanes: Lane[]
  conc: number[]
  /** The lane added latency is measured against. */
  baseline: string | undefined
}

export interface Cell {
  workload: Workload
  conc: number
  lane: string
  summary: Summary
  /** x-qiao-cache of one request sent after the runs (proof of the path measured), when relevant. */
  cacheHeader?: string | undefined
}

export function overheadWorkloads (t: Targets, conc: number[]): Workload[] {
  const chat = (stream: boolean): Lane[] => [
    { label: 'direct', target: () => t.fake(), load: { path: '/chat/completions', body: chatBody(CHAT_MODEL, stream) } },
    { label: 'proxy', target: () => t.proxy(), load: { path: '/chat/completions', body: chatBody(CHAT_MODEL, stream) } },
    { label: 'qiao', target: () => t.qiao('memory'), load: { path: '/v1/chat/completions', body: chatBody(CHAT_MODEL, stream) } }
  ]
  const missNative = (): string => nativeEmbedBody(fresh(BATCH))
  return [
    { suite: 'chat', id: 'chat', label: 'chat, non-streaming (~1 KB body)', lanes: chat(false), conc, baseline: 'direct' },
    { suite: 'stream', id: 'stream', label: 'chat, streaming (50 chunks), whole stream', lanes: chat(true), conc, baseline: 'direct' },
    {
      suite: 'embed',
      id: 'embed-miss',
      label: `embeddings, ${BATCH} new texts (miss path)`,
      lanes: [
        { label: 'direct', target: () => t.fake(), load: { path: '/api/embed', body: missNative } },
        { label: 'proxy', target: () => t.proxy(), load: { path: '/api/embed', body: missNative } },
        { label: 'qiao base64', target: () => t.qiao('memory'), load: { path: '/v1/embeddings', body: () => embedBody(fresh(BATCH), 'base64') } },
        { label: 'qiao float', target: () => t.qiao('memory'), load: { path: '/v1/embeddings', body: () => embedBody(fresh(BATCH), 'float') } }
      ],
      conc,
      baseline: 'direct'
    },
    // The same answer three ways: the fake's own OpenAI-shaped answer (direct), relayed by the minimal proxy,
    // and qiao's from its cache (issue 12: a hit must not be slower than a pass-through).
    ...(['base64', 'float'] as const).map((encoding) => ({
      suite: 'cache',
      id: encoding === 'base64' ? 'embed-cached' : 'embed-cached-float',
      label: `embeddings, the same ${BATCH} texts (fully cached, ${encoding})`,
      lanes: [
        { label: 'direct', target: () => t.fake(), load: { path: '/v1/embeddings', body: embedBody(HOT, encoding) } },
        { label: 'proxy', target: () => t.proxy(), load: { path: '/v1/embeddings', body: embedBody(HOT, encoding) } },
        { label: 'qiao memory', target: () => t.qiao('memory'), load: { path: '/v1/embeddings', body: embedBody(HOT, encoding) } },
        { label: 'qiao redis', target: () => t.qiao('redis'), load: { path: '/v1/embeddings', body: embedBody(HOT, encoding) } }
      ],
      conc,
      baseline: 'direct'
    })),
    {
      suite: 'metrics',
      id: 'metrics',
      label: 'chat, non-streaming, metrics on vs off',
      lanes: [
        { label: 'qiao metrics on', target: () => t.qiao('metrics'), load: { path: '/v1/chat/completions', body: chatBody(CHAT_MODEL, false) } },
        { label: 'qiao metrics off', target: () => t.qiao('nometrics'), load: { path: '/v1/chat/completions', body: chatBody(CHAT_MODEL, false) } }
      ],
      conc: [32],
      baseline: undefined
    }
  ]
}

async function cacheHeader (target: Target, load: Load): Promise<string | undefined> {
  if (load.path !== '/v1/embeddings') return undefined
  const body = typeof load.body === 'function' ? load.body() : load.body
  const res = await fetch(target.url + load.path, { method: 'POST', headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) })
  await res.arrayBuffer()
  return `${res.headers.get('x-qiao-cache') ?? '-'} (${res.headers.get('x-qiao-cache-hits') ?? '-'})`
}

export async function runWorkload (w: Workload, timing: Timing, budget: Budget, log: (line: string) => void): Promise<Cell[]> {
  const cells: Cell[] = []
  const targets = new Map<string, Target>()
  for (const lane of w.lanes) targets.set(lane.label, await lane.target())
  if (!budget.allows(`${w.id} warm-up`, w.lanes.length * (timing.cold + timing.warmupFirst))) return cells
  for (const lane of w.lanes) await warmUp(targets.get(lane.label) as Target, lane.load, timing)
  for (const conc of w.conc) {
    const rounds = new Map<string, Round[]>(w.lanes.map((l) => [l.label, []]))
    for (let round = 0; round < timing.rounds; round++) {
      for (const lane of w.lanes) {
        const warmup = timing.warmup
        if (!budget.allows(`${w.id} c${conc} ${lane.label} round ${round + 1}`, warmup + timing.seconds)) continue
        const r = await measureRound(targets.get(lane.label) as Target, lane.load, conc, warmup, timing.seconds)
        rounds.get(lane.label)?.push(r)
        const bad = r.non2xx + r.errors > 0 ? `  ERRORS non-2xx ${r.non2xx} socket ${r.errors}` : ''
        log(`  ${w.id.padEnd(12)} c${String(conc).padEnd(4)} ${lane.label.padEnd(16)} ${fmt(r.rps, 0).padStart(6)} req/s  ` +
          `p50 ${fmt(pct(r.latencies, 50), 2)} ms  p99 ${fmt(pct(r.latencies, 99), 2)} ms${bad}`)
      }
    }
    for (const lane of w.lanes) {
      const laneRounds = rounds.get(lane.label) ?? []
      if (laneRounds.length === 0) continue
      const target = targets.get(lane.label) as Target
      const header = await cacheHeader(target, lane.load).catch(() => 'request failed')
      cells.push({ workload: w, conc, lane: lane.label, summary: summarize(laneRounds, target.pids().length > 0), cacheHeader: header })
    }
  }
  return cells
}
