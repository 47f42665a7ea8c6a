// In-process store when no Redis is configured: an LRU bounded in bytes, with the same TTL as Redis.
import { LRUCache } from 'lru-cache'
import type { VectorStore } from './store.js'

export class MemoryVectorStore implements VectorStore {
  readonly kind = 'memory' as const
  private readonly lru: LRUCache<string, Buffer>

  constructor (maxBytes: number) {
    this.lru = new LRUCache<string, Buffer>({
      maxSize: Math.max(maxBytes, 1),
      sizeCalculation: (value, key) => value.length + key.length
    })
  }

  async getMany (keys: string[]): Promise<Array<Buffer | null>> {
    return keys.map((key) => this.lru.get(key) ?? null)
  }

  async setMany (entries: Array<[string, Buffer]>, ttlMs: number): Promise<void> {
    for (const [key, value] of entries) {
      if (value.length + key.length <= this.lru.maxSize) this.lru.set(key, value, { ttl: ttlMs })
    }
  }

  get sizeBytes (): number {
    return this.lru.calculatedSize
  }
}
