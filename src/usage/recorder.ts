// Records usage off the hot path: requests add to an in-process buffer, flushed to the store every second
// (and on close). A failed flush keeps the counts for the next one.
import type { OutageReporter } from '../redis-outage.js'
import { fieldOf } from './usage-field.js'
import { addInto, hourOf, type HourlyCounts, type Metric, type UsageStore } from './usage-store.js'

const FLUSH_EVERY_MS = 1_000
const MAX_MODEL_NAME = 256

export interface UsageEntry {
  key: string
  /** The key's team when the request was made (a key may move to another team later). */
  team: string
  model: string
  at: number
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  failed: boolean
  cached_inputs: number
  /** Prompt tokens the backend served from its own prompt cache (DeepSeek, Zhipu), part of prompt_tokens. */
  cached_prompt_tokens: number
  /** What the request cost, in nanos of pricing.currency (src/pricing/money.ts). */
  cost: number
  /** What the embedding inputs served from qiao's cache would have cost, in nanos. */
  saved_cost: number
}

export class UsageRecorder {
  private pending: HourlyCounts = new Map()
  private flushing: Promise<void> | undefined
  private readonly timer: NodeJS.Timeout

  constructor (readonly store: UsageStore, private readonly outage: OutageReporter) {
    this.timer = setInterval(() => { void this.flush() }, FLUSH_EVERY_MS)
    this.timer.unref()
  }

  /** Synchronous and cheap: safe to call from a response hook. */
  record (entry: UsageEntry): void {
    const hour = hourOf(entry.at)
    let bucket = this.pending.get(hour)
    if (bucket === undefined) this.pending.set(hour, bucket = new Map())
    const counts = bucket
    const model = entry.model.slice(0, MAX_MODEL_NAME)
    const add = (metric: Metric, n: number) => {
      // Stores count whole numbers (Redis HINCRBY): a fraction of a nano is rounded rather than failing the flush.
      const whole = Math.round(n)
      if (!(whole > 0)) return
      const field = fieldOf(entry.team, entry.key, model, metric)
      counts.set(field, (counts.get(field) ?? 0) + whole)
    }
    add('requests', 1)
    add('prompt_tokens', entry.prompt_tokens)
    add('completion_tokens', entry.completion_tokens)
    add('total_tokens', entry.total_tokens)
    add('errors', entry.failed ? 1 : 0)
    add('cached_inputs', entry.cached_inputs)
    add('cached_prompt_tokens', entry.cached_prompt_tokens)
    add('cost', entry.cost)
    add('saved_cost', entry.saved_cost)
  }

  /** Writes what is pending; concurrent callers share one write. */
  async flush (): Promise<void> {
    while (this.flushing !== undefined) await this.flushing
    if (this.pending.size === 0) return
    const batch = this.pending
    this.pending = new Map()
    this.flushing = this.store.add(batch).then(() => { this.outage.ok() }, (err: unknown) => {
      this.outage.failed('usage', err)
      addInto(this.pending, batch)
    }).finally(() => { this.flushing = undefined })
    await this.flushing
  }

  async close (): Promise<void> {
    clearInterval(this.timer)
    await this.flush()
  }
}
