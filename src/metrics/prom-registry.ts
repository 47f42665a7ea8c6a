// The prom-client registry behind GET /metrics, built on the first scrape: prom-client's default process and
// Node.js metrics, gauges read at scrape time, and the series counted by labelled-series.ts.
import { Counter, collectDefaultMetrics, Gauge, Registry, type Metric, type MetricObjectWithValues, type MetricValueWithName } from 'prom-client'
import { LabelledCounter, type LabelledHistogram } from './labelled-series.js'

export interface RegistrySources {
  /** In the order /metrics lists them; 'upstream' is where the circuit and concurrency gauges go. */
  listed: ReadonlyArray<LabelledCounter<string> | LabelledHistogram<string> | 'upstream'>
  circuitStates: () => Array<{ target: string, state: string }>
  concurrency: () => Array<{ provider: string, inFlight: number, queued: number }>
  /** Running totals that only ever grow (the embedding cache's stats), read at scrape time. */
  totals: ReadonlyArray<{ name: string, help: string, read: () => number | undefined }>
}

type Value = MetricValueWithName<string> & { sharedLabels?: Readonly<Record<string, string | number>> }

/**
 * A histogram over a LabelledHistogram, listed exactly as prom-client's Histogram lists its own series
 * (lib/histogram.js: cumulative buckets with `le` first, then +Inf, _sum and _count). The registry reads only
 * name, help, type, aggregator and getForPromString() or get() (lib/registry.js).
 */
class HistogramView {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly name: string
  readonly help: string

  constructor (private readonly histogram: LabelledHistogram<string>) {
    this.name = histogram.name
    this.help = histogram.help
  }

  async getForPromString (): Promise<MetricObjectWithValues<Value>> {
    const { name, upperBounds } = this.histogram
    const values: Value[] = []
    for (const { labels, buckets, sum, count } of this.histogram.series.values()) {
      let cumulative = 0
      upperBounds.forEach((bound, i) => {
        cumulative += buckets[i] ?? 0
        values.push({ labels: { le: bound }, sharedLabels: labels, value: cumulative, metricName: `${name}_bucket`, exemplar: null } as Value)
      })
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: `${name}_bucket`, exemplar: null } as Value)
      values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${name}_sum` })
      values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${name}_count` })
    }
    return { name, help: this.help, type: this.type, values, aggregator: this.aggregator } as unknown as MetricObjectWithValues<Value>
  }

  /** The JSON form: the series' labels after `le`, as prom-client's splayLabels puts them. */
  async get (): Promise<MetricObjectWithValues<Value>> {
    const data = await this.getForPromString()
    data.values = data.values.map(({ sharedLabels = {}, ...value }) => ({ ...value, labels: { ...value.labels, ...sharedLabels } }))
    return data
  }
}

export function buildRegistry (sources: RegistrySources): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  for (const listed of sources.listed) {
    if (listed === 'upstream') registerUpstreamGauges(registry, sources)
    else if (listed instanceof LabelledCounter) registerCounter(registry, listed)
    else registry.registerMetric(new HistogramView(listed) as unknown as Metric)
  }
  for (const { name, help, read } of sources.totals) {
    registry.registerMetric(new Counter({
      name,
      help,
      registers: [],
      collect () {
        this.reset()
        const total = read()
        if (total !== undefined) this.inc(total)
      }
    }))
  }
  return registry
}

function registerCounter (registry: Registry, counter: LabelledCounter<string>): void {
  registry.registerMetric(new Counter({
    name: counter.name,
    help: counter.help,
    labelNames: counter.labelNames,
    registers: [],
    collect () {
      this.reset()
      for (const { labels, value } of counter.series.values()) this.inc(labels, value)
    }
  }))
}

function registerUpstreamGauges (registry: Registry, sources: RegistrySources): void {
  registry.registerMetric(new Gauge({
    name: 'qiao_circuit_open',
    help: 'Per target: 0 closed, 1 open, 0.5 half-open',
    labelNames: ['target'] as const,
    registers: [],
    collect () {
      this.reset()
      for (const { target, state } of sources.circuitStates()) this.set({ target }, state === 'open' ? 1 : state === 'half_open' ? 0.5 : 0)
    }
  }))
  for (const [name, help, pick] of [
    ['qiao_upstream_in_flight', 'Requests in flight per provider', 'inFlight'],
    ['qiao_upstream_queued', 'Requests waiting for a slot per provider', 'queued']
  ] as const) {
    registry.registerMetric(new Gauge({
      name,
      help,
      labelNames: ['provider'] as const,
      registers: [],
      collect () { for (const c of sources.concurrency()) this.set({ provider: c.provider }, c[pick]) }
    }))
  }
}
