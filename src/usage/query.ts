// GET /admin/usage: hourly buckets between `from` and `to`, filtered by key and model, with totals.
import { HOUR_MS, METRICS, hourOf, parseField, type Metric, type UsageStore } from './usage-store.js'

export type Counts = Record<Metric, number>
export interface SeriesPoint extends Counts { hour: string, key: string, model: string }
export interface UsageReport { totals: Counts, series: SeriesPoint[] }

export interface UsageFilter {
  key?: string | undefined
  model?: string | undefined
  from: number
  to: number
}

const zero = (): Counts => Object.fromEntries(METRICS.map((m) => [m, 0])) as Counts

/** Every hour bucket whose hour overlaps [from, to]. */
export function hoursBetween (from: number, to: number): string[] {
  const hours: string[] = []
  for (let at = Math.floor(from / HOUR_MS) * HOUR_MS; at <= to; at += HOUR_MS) hours.push(hourOf(at))
  return hours
}

export async function queryUsage (store: UsageStore, filter: UsageFilter): Promise<UsageReport> {
  const buckets = await store.read(hoursBetween(filter.from, filter.to))
  const points = new Map<string, SeriesPoint>()
  for (const [hour, fields] of buckets) {
    for (const [field, n] of fields) {
      const parsed = parseField(field)
      if (parsed === undefined || !(METRICS as readonly string[]).includes(parsed.metric)) continue
      if (filter.key !== undefined && parsed.key !== filter.key) continue
      if (filter.model !== undefined && parsed.model !== filter.model) continue
      const id = `${hour}\t${parsed.key}\t${parsed.model}`
      let point = points.get(id)
      if (point === undefined) points.set(id, point = { hour, key: parsed.key, model: parsed.model, ...zero() })
      point[parsed.metric as Metric] += n
    }
  }
  const series = [...points.values()].sort((a, b) =>
    a.hour.localeCompare(b.hour) || a.key.localeCompare(b.key) || a.model.localeCompare(b.model))
  const totals = zero()
  for (const point of series) for (const metric of METRICS) totals[metric] += point[metric]
  return { totals, series }
}
