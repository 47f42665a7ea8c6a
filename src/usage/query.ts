// GET /admin/usage: hourly buckets between `from` and `to`, filtered by team, key and model, summed per group.
// Sums are bigints: a year of one team's cost in nanos can pass 2^53 (about 9 million units of the currency).
import type { Dimension } from './group-by.js'
import { parseField } from './usage-field.js'
import { HOUR_MS, METRICS, hourOf, isMetric, type HourlyCounts, type Metric } from './usage-store.js'

export type Sums = Record<Metric, bigint>
export type Labels = Partial<Record<Dimension, string>>
export interface UsageRow { labels: Labels, sums: Sums }
export interface UsageTable { groupBy: readonly Dimension[], rows: UsageRow[], totals: Sums }

export interface UsageFilter {
  team?: string | undefined
  key?: string | undefined
  model?: string | undefined
}

const zero = (): Sums => Object.fromEntries(METRICS.map((m) => [m, 0n])) as Sums

/** Every hour bucket whose hour overlaps [from, to]. */
export function hoursBetween (from: number, to: number): string[] {
  const hours: string[] = []
  for (let at = Math.floor(from / HOUR_MS) * HOUR_MS; at <= to; at += HOUR_MS) hours.push(hourOf(at))
  return hours
}

export function aggregateUsage (buckets: HourlyCounts, filter: UsageFilter, groupBy: readonly Dimension[]): UsageTable {
  const rows = new Map<string, UsageRow>()
  const totals = zero()
  for (const [hour, fields] of buckets) {
    for (const [field, n] of fields) {
      const cell = parseField(field)
      if (cell === undefined || !isMetric(cell.metric) || !Number.isFinite(n)) continue
      if ((filter.team !== undefined && cell.team !== filter.team) || (filter.key !== undefined && cell.key !== filter.key) ||
        (filter.model !== undefined && cell.model !== filter.model)) continue
      // `day` is the UTC date: the first ten characters of the hour's ISO-8601 string.
      const all: Record<Dimension, string> = { hour, day: hour.slice(0, 10), team: cell.team, key: cell.key, model: cell.model }
      const values = groupBy.map((d) => all[d])
      const id = JSON.stringify(values)
      let row = rows.get(id)
      if (row === undefined) {
        rows.set(id, row = { labels: Object.fromEntries(groupBy.map((d, i) => [d, values[i]])), sums: zero() })
      }
      const value = BigInt(Math.round(n))
      row.sums[cell.metric] += value
      totals[cell.metric] += value
    }
  }
  return { groupBy, rows: [...rows.values()].sort((a, b) => compareLabels(a.labels, b.labels, groupBy)), totals }
}

/** Plain string order, column after column: the same on every machine, whatever its locale. */
function compareLabels (a: Labels, b: Labels, groupBy: readonly Dimension[]): number {
  for (const d of groupBy) {
    const x = a[d] ?? ''
    const y = b[d] ?? ''
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}
