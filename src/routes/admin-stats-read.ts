// Reads the metrics registry (prom-client's JSON form) into what the console's Overview and Providers show.
import type { Registry } from 'prom-client'

export interface Quantiles { p50: number | null, p95: number | null, count: number }

interface MetricValue { value: number, labels: Record<string, string | number | undefined>, metricName?: string }
type Metrics = Map<string, MetricValue[]>

export async function readMetrics (registry: Pick<Registry, 'getMetricsAsJSON'> | undefined): Promise<Metrics> {
  const metrics: Metrics = new Map()
  if (registry === undefined) return metrics
  for (const metric of await registry.getMetricsAsJSON()) metrics.set(metric.name, metric.values as MetricValue[])
  return metrics
}

/** p50/p95 from a histogram's cumulative buckets (those whose labels `match`), interpolated within a bucket like PromQL's histogram_quantile. */
export function quantiles (metrics: Metrics, name: string, match: (labels: MetricValue['labels']) => boolean = () => true): Quantiles {
  const buckets = new Map<number, number>()
  for (const v of metrics.get(name) ?? []) {
    if (v.metricName !== `${name}_bucket` || !match(v.labels)) continue
    const le = v.labels['le'] === '+Inf' ? Infinity : Number(v.labels['le'])
    buckets.set(le, (buckets.get(le) ?? 0) + v.value)
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0])
  const count = sorted.at(-1)?.[1] ?? 0
  const at = (q: number): number | null => {
    if (count === 0) return null
    const rank = q * count
    let lower = 0
    let below = 0
    for (const [le, cumulative] of sorted) {
      if (cumulative >= rank) {
        if (le === Infinity) return lower
        return lower + (le - lower) * ((rank - below) / Math.max(cumulative - below, 1))
      }
      lower = le
      below = cumulative
    }
    return lower
  }
  return { p50: at(0.5), p95: at(0.95), count }
}

/** Requests per provider and failure class (`qiao_requests_total`), since the process started. */
export function failuresByProvider (metrics: Metrics): Map<string, { requests: number, failures: Record<string, number> }> {
  const out = new Map<string, { requests: number, failures: Record<string, number> }>()
  for (const v of metrics.get('qiao_requests_total') ?? []) {
    const provider = String(v.labels['provider'] ?? '')
    if (provider === '') continue
    const entry = out.get(provider) ?? { requests: 0, failures: {} }
    entry.requests += v.value
    const failure = String(v.labels['failure'] ?? '')
    if (failure !== '') entry.failures[failure] = (entry.failures[failure] ?? 0) + v.value
    out.set(provider, entry)
  }
  return out
}
