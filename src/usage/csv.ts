// A usage table as CSV for finance (RFC 4180): a header row, one row per group, the totals row last
// ("total" in the first column, the other group columns empty), money as plain decimals.
import type { UsageTable } from './query.js'
import { reportValue } from './report.js'
import { METRICS } from './usage-store.js'

export function usageCsv (table: UsageTable, currency: string): string {
  const { groupBy } = table
  const header = [...groupBy, ...METRICS, 'currency']
  const rows = table.rows.map((row) => [
    ...groupBy.map((d) => text(row.labels[d] ?? '')),
    ...METRICS.map((m) => String(reportValue(m, row.sums[m]))),
    currency
  ])
  const totals = [...groupBy.map((_, i) => i === 0 ? 'total' : ''), ...METRICS.map((m) => String(reportValue(m, table.totals[m]))), currency]
  return [header, ...rows, totals].map((cells) => cells.map(quote).join(',') + '\r\n').join('')
}

/**
 * A model name is whatever a client sent; one starting with = + - @ (or a tab or CR) would run as a formula in
 * a spreadsheet, so it gets a leading apostrophe (OWASP "CSV Injection"). Ids and times never start so.
 */
function text (value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

function quote (cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell
}
