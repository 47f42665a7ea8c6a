// Percentiles, formatting and Markdown tables.

/** Nearest-rank percentile; NaN for no values. */
export function pct (values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

export const max = (values: number[]): number => values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b), -Infinity)
export const mean = (values: number[]): number => values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length
export const fmt = (n: number, digits: number): string => Number.isFinite(n) ? n.toFixed(digits) : 'n/a'
/** Signed, for differences: +0.42, -0.10. */
export const signed = (n: number, digits: number): string => Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${n.toFixed(digits)}` : 'n/a'
export const mb = (bytes: number): string => fmt(bytes / (1024 * 1024), 1)

export function positive (value: string | undefined, fallback: number): number {
  const n = Number(value)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

/** A Markdown table; columns whose header starts with '>' are right-aligned (the '>' is dropped). */
export function mdTable (headers: string[], rows: string[][]): string {
  const head = headers.map((h) => h.replace(/^>/, ''))
  const align = headers.map((h) => h.startsWith('>') ? '---:' : '---')
  return [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}
