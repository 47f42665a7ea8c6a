// The cache never fails a request: every store call is bounded in time, a failure opens a circuit that
// bypasses the store for a few seconds, the outage is reported (one warning for it, shared with the
// store's other users), and use resumes by itself.
import type { OutageReporter } from '../redis-outage.js'
import type { StoredVector, VectorStore } from './store.js'

export interface EmbeddingCacheOptions {
  ttlMs: number
  timeoutMs: number
  cooldownMs?: number
  outage: OutageReporter
}

export interface CacheStats {
  hits: number
  misses: number
  errors: number
  bypassed: number
}

export class EmbeddingCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, errors: 0, bypassed: 0 }
  private openUntil = 0
  private inOutage = false

  constructor (readonly store: VectorStore, private readonly options: EmbeddingCacheOptions) {}

  get ttlMs (): number {
    return this.options.ttlMs
  }

  get healthy (): boolean {
    return !this.inOutage
  }

  /** One lookup round trip; any failure reads as all misses. */
  async getMany (keys: string[]): Promise<Array<StoredVector | null>> {
    const found = await this.guard(async () => await this.store.getMany(keys), null)
    const values = found ?? keys.map(() => null)
    for (const value of values) value === null ? this.stats.misses++ : this.stats.hits++
    return values
  }

  /** Lookups answered in process, without a store call. */
  count (hits: number, misses: number): void {
    this.stats.hits += hits
    this.stats.misses += misses
  }

  /** One write round trip; failures are logged and counted, never thrown. */
  async setMany (entries: Array<[string, Buffer]>): Promise<void> {
    if (entries.length > 0) await this.guard(async () => { await this.store.setMany(entries, this.options.ttlMs) }, undefined)
  }

  private async guard<T, F> (operation: () => Promise<T>, fallback: F): Promise<T | F> {
    if (Date.now() < this.openUntil) {
      this.stats.bypassed++
      return fallback
    }
    let timer: NodeJS.Timeout | undefined
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        // setImmediate: an answer that already arrived while the process was busy is read before giving up on it.
        timer = setTimeout(() => setImmediate(() => { reject(new Error(`no answer from the ${this.store.kind} store within ${this.options.timeoutMs} ms`)) }), this.options.timeoutMs)
      })
      const result = await Promise.race([operation(), timeout])
      if (this.inOutage) {
        this.inOutage = false
        this.options.outage.ok()
      }
      return result
    } catch (err) {
      this.stats.errors++
      this.openUntil = Date.now() + (this.options.cooldownMs ?? 5_000)
      this.inOutage = true
      this.options.outage.failed('embedding cache', err)
      return fallback
    } finally {
      clearTimeout(timer)
    }
  }
}
