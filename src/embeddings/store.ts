import type { VectorTier } from './vector-tier.js'

/** A stored vector: float32 little-endian bytes and when the store drops it (Date.now() milliseconds). */
export interface StoredVector {
  bytes: Buffer
  expiresAt: number
}

/** Where vectors live, by key. */
export interface VectorStore {
  readonly kind: 'memory' | 'redis'
  /** Set by an in-process store: its entries are read synchronously, and nothing stands behind it. */
  readonly tier?: VectorTier
  getMany: (keys: string[]) => Promise<Array<StoredVector | null>>
  setMany: (entries: Array<[string, Buffer]>, ttlMs: number) => Promise<void>
}
