/** Where vectors live: float32 little-endian bytes by key. */
export interface VectorStore {
  readonly kind: 'memory' | 'redis'
  getMany: (keys: string[]) => Promise<Array<Buffer | null>>
  setMany: (entries: Array<[string, Buffer]>, ttlMs: number) => Promise<void>
}
