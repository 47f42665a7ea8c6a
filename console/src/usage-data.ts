// Time windows and the usage report turned into chart columns (x in Unix seconds, as uPlot wants).
import { get, query } from './api.js'
import type { UsageReport, UsageRow } from './types.js'

export const RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const
export type Range = keyof typeof RANGES

export interface Window { from: string, to: string, step: 'hour' | 'day' }

export function windowOf (range: Range, now = Date.now()): Window {
  return { from: new Date(now - RANGES[range]).toISOString(), to: new Date(now).toISOString(), step: range === '30d' ? 'day' : 'hour' }
}

export async function usage (params: Record<string, string | undefined>): Promise<UsageReport> {
  return await get<UsageReport>(`/admin/usage${query(params)}`)
}

const secondsOf = (row: UsageRow): number => {
  const label = String(row['hour'] ?? row['day'] ?? '')
  return Date.parse(label.length === 10 ? `${label}T00:00:00Z` : label) / 1000
}

const STEP_S = { hour: 3600, day: 86_400 } as const

/**
 * Rows summed per time step (other dimensions folded), with every step of the window present (zero where
 * nothing was recorded), so that a chart spans the window asked for and its lines do not jump over gaps.
 */
export function columns (rows: UsageRow[], metrics: string[], w: Window): { x: number[], values: Record<string, number[]> } {
  const byTime = new Map<number, Record<string, number>>()
  for (const row of rows) {
    const at = secondsOf(row)
    const sums = byTime.get(at) ?? {}
    for (const m of metrics) sums[m] = (sums[m] ?? 0) + Number(row[m] ?? 0)
    byTime.set(at, sums)
  }
  const step = STEP_S[w.step]
  const first = Math.floor(Date.parse(w.from) / 1000 / step) * step
  const x: number[] = []
  for (let at = first; at <= Date.parse(w.to) / 1000; at += step) x.push(at)
  return { x, values: Object.fromEntries(metrics.map((m) => [m, x.map((at) => byTime.get(at)?.[m] ?? 0)])) }
}

/** The `n` rows with the most of `metric`. */
export const top = (rows: UsageRow[], metric: string, n = 5): UsageRow[] =>
  [...rows].sort((a, b) => Number(b[metric] ?? 0) - Number(a[metric] ?? 0)).slice(0, n)
