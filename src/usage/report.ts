// A usage table as the JSON answer: token counts as numbers, money as decimal strings in `currency`.
import { NANOS_PER_UNIT, formatNanos } from '../pricing/money.js'
import type { Labels, Sums, UsageTable } from './query.js'
import { METRICS, MONEY_METRICS, type Metric } from './usage-store.js'

export type ReportCounts = Record<Metric, number | string>
export interface UsageReport { currency: string, totals: ReportCounts, series: Array<Labels & ReportCounts> }

const NANOS = BigInt(NANOS_PER_UNIT)

/** formatNanos for bigint sums, which may pass 2^53 nanos: 10000000000000003n → "10000000.000000003". */
export function formatBigNanos (nanos: bigint): string {
  if (nanos < 0n) return `-${formatBigNanos(-nanos)}`
  // formatNanos of the fraction alone gives "0" or "0.xxx": keep what follows its "0".
  return `${nanos / NANOS}${formatNanos(Number(nanos % NANOS)).slice(1)}`
}

/** One metric's sum as reported: money as a decimal string, counts as a number. */
export function reportValue (metric: Metric, sum: bigint): number | string {
  return MONEY_METRICS.has(metric) ? formatBigNanos(sum) : Number(sum)
}

export function reportCounts (sums: Sums): ReportCounts {
  return Object.fromEntries(METRICS.map((m) => [m, reportValue(m, sums[m])])) as ReportCounts
}

export function usageReport (table: UsageTable, currency: string): UsageReport {
  return {
    currency,
    totals: reportCounts(table.totals),
    series: table.rows.map((row) => ({ ...row.labels, ...reportCounts(row.sums) }))
  }
}
