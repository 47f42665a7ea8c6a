// What autocannon cannot see in a stream, with lib/sse-client.ts:
// - one stream at a time (concurrency 1): time to the first SSE event and to the last byte with the fake
//   sending all 50 chunks at once, and the gaps between events with the fake pacing them 2 ms apart
//   (chunks that leave qiao as they arrive keep one event per write and reach the client spread out);
// - 256 streams open at once, each 50 chunks 20 ms apart (~1 s): peak RSS and errors.
import { chatBody, CHAT_MODEL } from '../lib/bodies.js'
import type { Budget, Timing } from '../lib/measure.js'
import { startUsage } from '../lib/proc-stats.js'
import { streamLoad, type StreamLoadResult } from '../lib/sse-client.js'
import { fmt, pct } from '../lib/stats.js'
import { ourPids, type Target, type Targets } from '../lib/targets.js'

export interface ProbeCell {
  lane: string
  kind: 'instant' | 'paced'
  result: StreamLoadResult
}

export interface OpenStreamsCell {
  lane: string
  result: StreamLoadResult
  peakRss: number
  idleRss: number
  cpuPer1k: number
}

const lanes = (t: Targets): Array<{ label: string, target: () => Promise<Target>, path: string }> => [
  { label: 'direct', target: () => t.fake(), path: '/chat/completions' },
  { label: 'proxy', target: () => t.proxy(), path: '/chat/completions' },
  { label: 'qiao', target: () => t.qiao('memory'), path: '/v1/chat/completions' }
]

function merge (a: StreamLoadResult | undefined, b: StreamLoadResult): StreamLoadResult {
  if (a === undefined) return b
  return {
    firstEvent: [...a.firstEvent, ...b.firstEvent],
    lastByte: [...a.lastByte, ...b.lastByte],
    gaps: [...a.gaps, ...b.gaps],
    events: a.events + b.events,
    reads: a.reads + b.reads,
    ok: a.ok + b.ok,
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    incomplete: a.incomplete + b.incomplete,
    maxOpen: Math.max(a.maxOpen, b.maxOpen),
    seconds: a.seconds + b.seconds
  }
}

export async function runStreamProbe (t: Targets, timing: Timing, budget: Budget, log: (line: string) => void): Promise<ProbeCell[]> {
  const cells: ProbeCell[] = []
  for (const kind of ['instant', 'paced'] as const) {
    const body = chatBody(kind === 'instant' ? CHAT_MODEL : `${CHAT_MODEL}-paced`, true)
    const merged = new Map<string, StreamLoadResult>()
    const rounds = kind === 'instant' ? timing.rounds : 1
    for (let round = 0; round < rounds; round++) {
      for (const lane of lanes(t)) {
        const warmup = round === 0 ? timing.warmupFirst : timing.warmup // the stream suite ran first: JIT-warm
        if (!budget.allows(`stream probe ${kind} ${lane.label} round ${round + 1}`, warmup + timing.seconds)) continue
        const { url } = await lane.target()
        await streamLoad({ url, path: lane.path, body, concurrency: 1, seconds: warmup })
        const r = await streamLoad({ url, path: lane.path, body, concurrency: 1, seconds: timing.seconds, keepGaps: true })
        merged.set(lane.label, merge(merged.get(lane.label), r))
        log(`  stream c1 ${kind.padEnd(7)} ${lane.label.padEnd(7)} ${String(r.ok).padStart(5)} streams  first event p50 ${fmt(pct(r.firstEvent, 50), 2)} ms  ` +
          `last byte p50 ${fmt(pct(r.lastByte, 50), 2)} ms  gap p50 ${fmt(pct(r.gaps, 50), 3)} ms  events/write ${fmt(r.events / r.reads, 2)}` +
          `${r.non2xx + r.errors + r.incomplete > 0 ? `  ERRORS ${r.non2xx + r.errors + r.incomplete}` : ''}`)
      }
    }
    for (const [lane, result] of merged) cells.push({ lane, kind, result })
  }
  return cells
}

export async function runOpenStreams (t: Targets, timing: Timing, budget: Budget, log: (line: string) => void): Promise<OpenStreamsCell[]> {
  const cells: OpenStreamsCell[] = []
  const seconds = Math.max(1.5, timing.seconds)
  const body = chatBody(`${CHAT_MODEL}-slow`, true)
  for (const lane of lanes(t).filter((l) => l.label !== 'direct')) {
    // In-flight streams are let finish (~1 s each): count that in the budget.
    if (!budget.allows(`256 open streams ${lane.label}`, seconds + 3)) continue
    const target = await lane.target()
    const stop = startUsage(target.pids(), ourPids)
    const result = await streamLoad({ url: target.url, path: lane.path, body, concurrency: 256, seconds })
    const usage = stop()
    cells.push({ lane: lane.label, result, peakRss: usage.peakRss, idleRss: target.idleRss, cpuPer1k: result.ok > 0 ? (1000 * usage.cpu) / result.ok : Number.NaN })
    log(`  256 streams ${lane.label.padEnd(7)} ${result.ok} streams, ${result.maxOpen} open at once, peak RSS ${fmt(usage.peakRss / 2 ** 20, 1)} MB, ` +
      `errors ${result.non2xx + result.errors + result.incomplete}`)
  }
  return cells
}
