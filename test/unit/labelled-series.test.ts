// Series counted as plain numbers (labelled-series.ts) and handed to prom-client at the first scrape
// (prom-registry.ts) read exactly as prom-client's own Counter and Histogram fed the same updates.
import { Counter, Histogram, Registry } from 'prom-client'
import t from 'tap'
import { LabelledCounter, LabelledHistogram } from '../../src/metrics/labelled-series.js'
import { buildRegistry } from '../../src/metrics/prom-registry.js'

const BOUNDS = [0.005, 0.1, 1, 10]
const COUNTER = ['qiao_test_total', 'Counted things', ['route', 'status']] as const
const HISTOGRAM = ['qiao_test_seconds', 'Timed things', ['route', 'provider']] as const

const updates = [
  { route: '/v1/chat/completions', status: 200, provider: 'deepseek', seconds: 0.1, by: 1 },
  { route: '/v1/embeddings', status: 200, provider: 'ollama', seconds: 0.0004, by: 3 },
  { route: '/v1/chat/completions', status: 502, provider: 'deepseek', seconds: 42, by: 1 },
  { route: '/v1/chat/completions', status: 200, provider: 'deepseek', seconds: 0.37, by: 2.5 },
  { route: '/v1/embeddings', status: 200, provider: 'ollama', seconds: 10, by: 1 }
]

async function fromPromClient (): Promise<Registry> {
  const registry = new Registry()
  const counter = new Counter({ name: COUNTER[0], help: COUNTER[1], labelNames: COUNTER[2], registers: [registry] })
  const histogram = new Histogram({ name: HISTOGRAM[0], help: HISTOGRAM[1], labelNames: HISTOGRAM[2], buckets: BOUNDS, registers: [registry] })
  for (const u of updates) {
    counter.inc({ route: u.route, status: u.status }, u.by)
    histogram.observe({ route: u.route, provider: u.provider }, u.seconds)
  }
  return registry
}

function fromSeries (): Registry {
  const counter = new LabelledCounter(...COUNTER)
  const histogram = new LabelledHistogram(...HISTOGRAM, BOUNDS)
  for (const u of updates) {
    counter.inc({ route: u.route, status: u.status }, u.by)
    histogram.observe({ route: u.route, provider: u.provider }, u.seconds)
  }
  return buildRegistry({ listed: [counter, histogram], circuitStates: () => [], concurrency: () => [], totals: [] })
}

t.test('the text format lists the same lines, labels and values as prom-client\'s own metrics', async (t) => {
  const expected = await fromPromClient()
  const actual = fromSeries()
  for (const name of [COUNTER[0], HISTOGRAM[0]]) {
    const text = await actual.getSingleMetricAsString(name)
    t.equal(text, await expected.getSingleMetricAsString(name), name)
  }
  t.match(await actual.getSingleMetricAsString(HISTOGRAM[0]), 'qiao_test_seconds_bucket{le="+Inf",route="/v1/chat/completions",provider="deepseek"} 3')
})

t.test('the JSON form the admin API reads is the same as prom-client\'s', async (t) => {
  const pick = async (registry: Registry): Promise<unknown> =>
    JSON.parse(JSON.stringify((await registry.getMetricsAsJSON()).filter((m) => m.name.startsWith('qiao_test_'))))
  t.same(await pick(fromSeries()), await pick(await fromPromClient()))
})
