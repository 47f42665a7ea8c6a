// Usage counters per team, key, model and hour. One bucket per UTC hour holds one integer per field
// (usage-field.ts); a bucket is dropped `retention` after its hour ends.

export const METRICS = [
  'requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'errors', 'cached_inputs',
  'cached_prompt_tokens', 'cost', 'saved_cost'
] as const
export type Metric = typeof METRICS[number]

/** Counted in nanos of pricing.currency (src/pricing/money.ts), reported as decimal strings. */
export const MONEY_METRICS: ReadonlySet<Metric> = new Set(['cost', 'saved_cost'])

export const isMetric = (name: string): name is Metric => (METRICS as readonly string[]).includes(name)

/** hour (ISO-8601 start of the UTC hour) → field → count */
export type HourlyCounts = Map<string, Map<string, number>>

export interface UsageStore {
  add: (counts: HourlyCounts) => Promise<void>
  read: (hours: string[]) => Promise<HourlyCounts>
}

export const HOUR_MS = 3_600_000

export function hourOf (ms: number): string {
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString()
}

export function addInto (target: HourlyCounts, source: HourlyCounts): void {
  for (const [hour, fields] of source) {
    let bucket = target.get(hour)
    if (bucket === undefined) target.set(hour, bucket = new Map())
    for (const [field, n] of fields) bucket.set(field, (bucket.get(field) ?? 0) + n)
  }
}

/** Counters of this process only: gone after a restart. */
export class MemoryUsage implements UsageStore {
  private readonly hours: HourlyCounts = new Map()
  constructor (private readonly retentionMs: number) {}

  async add (counts: HourlyCounts): Promise<void> {
    addInto(this.hours, counts)
    const oldest = hourOf(Date.now() - this.retentionMs - HOUR_MS)
    for (const hour of this.hours.keys()) if (hour < oldest) this.hours.delete(hour)
  }

  async read (hours: string[]): Promise<HourlyCounts> {
    const out: HourlyCounts = new Map()
    for (const hour of hours) {
      const bucket = this.hours.get(hour)
      if (bucket !== undefined) out.set(hour, new Map(bucket))
    }
    return out
  }
}
