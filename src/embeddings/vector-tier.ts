// In-process embeddings, least recently used first out, bounded by what they really hold in memory (keys,
// vectors and their encoded answers), each until its own expiry. It is the whole store without Redis, and
// the tier in front of Redis with it: entries never change for a key, so a copy here can only go stale
// by its TTL, which it carries.
import type { CachedVector } from './cached-vector.js'

/** A key as a one-byte string, with its header. */
const keyCost = (key: string): number => key.length + 32

export class VectorTier {
  private readonly entries = new Map<string, CachedVector>()
  private bytes = 0

  constructor (readonly maxBytes: number) {}

  get sizeBytes (): number {
    return this.bytes
  }

  get size (): number {
    return this.entries.size
  }

  /** The entry, if present and not expired; it becomes the most recently used. */
  get (key: string, now: number): CachedVector | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    this.entries.delete(key)
    if (entry.expiresAt <= now) {
      this.forget(key, entry)
      return undefined
    }
    this.entries.set(key, entry) // Map order is the recency order
    return entry
  }

  set (key: string, entry: CachedVector): void {
    const old = this.entries.get(key)
    if (old !== undefined) {
      this.entries.delete(key)
      this.forget(key, old)
    }
    if (keyCost(key) + entry.sizeBytes > this.maxBytes) return
    entry.owner = { grew: (bytes) => { this.bytes += bytes; this.evict() } }
    this.entries.set(key, entry)
    this.bytes += keyCost(key) + entry.sizeBytes
    this.evict()
  }

  private forget (key: string, entry: CachedVector): void {
    entry.owner = undefined
    this.bytes -= keyCost(key) + entry.sizeBytes
  }

  private evict (): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return
      this.entries.delete(key)
      this.forget(key, entry)
    }
  }
}
