// In-process store when no Redis is configured: a VectorTier bounded in bytes, with the same TTL as Redis.
import { CachedVector } from './cached-vector.js'
import type { StoredVector, VectorStore } from './store.js'
import { VectorTier } from './vector-tier.js'

export class MemoryVectorStore implements VectorStore {
  readonly kind = 'memory' as const
  readonly tier: VectorTier

  constructor (maxBytes: number) {
    this.tier = new VectorTier(maxBytes)
  }

  async getMany (keys: string[]): Promise<Array<StoredVector | null>> {
    const now = Date.now()
    return keys.map((key) => this.tier.get(key, now) ?? null)
  }

  async setMany (entries: Array<[string, Buffer]>, ttlMs: number): Promise<void> {
    const expiresAt = Date.now() + ttlMs
    // The tier copies the bytes into its slabs: no copy of our own first.
    for (const [key, bytes] of entries) this.tier.set(key, new CachedVector(bytes, expiresAt))
  }

  get sizeBytes (): number {
    return this.tier.sizeBytes
  }
}
