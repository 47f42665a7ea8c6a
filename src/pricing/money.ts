// Money is integers: costs are counted in nanos (10⁻⁹ of pricing.currency), summed as integers, and turned into
// a decimal string only at the edge (headers, reports, logs). A month of sums never drifts.

export const NANOS_PER_UNIT = 1_000_000_000

/** Whole nanos → decimal string without trailing zeros: 1234500000 → "1.2345", 0 → "0". */
export function formatNanos (nanos: number): string {
  const sign = nanos < 0 ? '-' : ''
  const abs = Math.abs(Math.round(nanos))
  const units = Math.floor(abs / NANOS_PER_UNIT)
  const fraction = String(abs % NANOS_PER_UNIT).padStart(9, '0').replace(/0+$/, '')
  return `${sign}${units}${fraction === '' ? '' : `.${fraction}`}`
}

/** A decimal amount (config, API input) → whole nanos, exact for up to 9 decimals. */
export function toNanos (amount: number): number {
  const [units = '0', fraction = ''] = Math.abs(amount).toFixed(9).split('.')
  const nanos = Number(units) * NANOS_PER_UNIT + Number(fraction.padEnd(9, '0'))
  return amount < 0 ? -nanos : nanos
}
