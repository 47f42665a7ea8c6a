// Every duration in the config is milliseconds (a number) or a string with a unit.
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$'
const DURATION_RE = new RegExp(DURATION_PATTERN)

export type Duration = number | string

export function durationMs (value: Duration): number {
  if (typeof value === 'number') return value
  const match = DURATION_RE.exec(value.trim())
  if (match === null) throw new TypeError(`not a duration: ${value}`)
  const unit = match[2] as keyof typeof UNIT_MS
  return Math.round(Number.parseFloat(value) * UNIT_MS[unit])
}
