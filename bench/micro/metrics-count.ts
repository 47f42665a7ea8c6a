// Per-request cost of counting one chat request into the metrics, as plugins/metrics.ts does when a request
// ends (one counter, two histograms, one token counter twice): prom-client's Counter and Histogram against
// the plain per-label series (src/metrics/labelled-series.ts) that plugins/metrics.ts now counts into.
//   npx tsx bench/micro/metrics-count.ts [requests=1000000]
import { Counter, Histogram, Registry } from 'prom-client'
import { LabelledCounter, LabelledHistogram } from '../../src/metrics/labelled-series.js'

const count = Number(process.argv[2] ?? 1_000_000)
const BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
const MODELS = ['deepseek/deepseek-chat', 'glm-4.6', 'ollama/llama3.2']

interface Sink {
  inc: (labels: Record<string, string | number>, value?: number) => void
  observe: (labels: Record<string, string | number>, value: number) => void
  tokens: (labels: Record<string, string | number>, value: number) => void
}

function promClient (): Sink {
  const registers = [new Registry()]
  const requests = new Counter({ name: 'r', help: 'r', labelNames: ['route', 'status', 'model', 'provider', 'failure'], registers })
  const duration = new Histogram({ name: 'd', help: 'd', labelNames: ['route', 'provider'], buckets: BUCKETS, registers })
  const tokens = new Counter({ name: 't', help: 't', labelNames: ['direction', 'model', 'key'], registers })
  return { inc: (l, v) => { requests.inc(l, v) }, observe: (l, v) => { duration.observe(l, v) }, tokens: (l, v) => { tokens.inc(l, v) } }
}

function plain (): Sink {
  const requests = new LabelledCounter<string>('r', 'r', ['route', 'status', 'model', 'provider', 'failure'])
  const duration = new LabelledHistogram<string>('d', 'd', ['route', 'provider'], BUCKETS)
  const tokens = new LabelledCounter<string>('t', 't', ['direction', 'model', 'key'])
  return { inc: (l, v) => { requests.inc(l, v) }, observe: (l, v) => { duration.observe(l, v) }, tokens: (l, v) => { tokens.inc(l, v) } }
}

function run (sink: Sink): number {
  const route = '/v1/chat/completions'
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const model = MODELS[i % 3] as string
    const provider = model.split('/')[0] as string
    sink.inc({ route, status: 200, model, provider, failure: '' })
    sink.observe({ route, provider }, (i % 500) / 1000)
    sink.observe({ route: provider, provider }, (i % 300) / 1000)
    sink.tokens({ direction: 'in', model, key: 'anonymous' }, 12)
    sink.tokens({ direction: 'out', model, key: 'anonymous' }, 40)
  }
  return Number(process.hrtime.bigint() - start) / count
}

for (let round = 0; round < 3; round++) {
  for (const [name, make] of [['prom-client', promClient], ['labelled series', plain]] as const) {
    process.stdout.write(`round ${round + 1} ${name}: ${run(make()).toFixed(0)} ns per request\n`)
  }
}
