// Usage counters per key, per model, per hour. One bucket per UTC hour holds fields `<key>\t<model>\t<metric>`;
// a bucket is dropped `retention` after its hour ends.

export const METRICS = ['requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'errors', 'cached_inputs'] as const
export type Metric = typeof METRICS[number]

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

export function fieldOf (key: string, model: string, metric: Metric): string {
  return `${key}\t${model}\t${metric}`
}

/** Key ids hold no tab and metric names are fixed, so the model is whatever lies between the first and last tab. */
export function parseField (field: string): { key: string, model: string, metric: string } | undefined {
  const first = field.indexOf('\t')
  const last = field.lastIndexOf('\t')
  if (first < 0 || last <= first) return undefined
  return { key: field.slice(0, first), model: field.slice(first + 1, last), metric: field.slice(last + 1) }
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
