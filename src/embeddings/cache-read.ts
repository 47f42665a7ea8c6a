// A request's lookup: the in-process tier first (no await, no per-value work), then, for what it lacks,
// the store behind it (Redis) in one round trip. Entries read from the store are kept in the tier until
// the store's own expiry, so the next hit on this instance skips the store and the encoding.
import { CachedVector } from './cached-vector.js'
import type { EmbeddingCache } from './embedding-cache.js'
import type { VectorTier } from './vector-tier.js'

export async function readCached (cache: EmbeddingCache, local: VectorTier | undefined, keys: string[],
  dimensions: number | undefined): Promise<Map<string, CachedVector>> {
  const found = new Map<string, CachedVector>()
  const now = Date.now()
  const rest: string[] = []
  for (const key of keys) {
    const entry = local?.get(key, now)
    if (entry !== undefined) found.set(key, entry)
    else rest.push(key)
  }
  const fromStore: string[] = []
  if (rest.length > 0 && cache.store.tier === undefined) {
    cache.count(found.size, 0)
    const values = await cache.getMany(rest)
    values.forEach((value, i) => {
      if (value === null) return
      const key = rest[i] as string
      found.set(key, value instanceof CachedVector ? value : CachedVector.of(value.bytes, value.expiresAt))
      fromStore.push(key)
    })
  } else cache.count(found.size, rest.length)
  const expected = expectedLength(found, dimensions)
  for (const [key, entry] of found) if (entry.bytes.length !== expected) found.delete(key)
  for (const key of fromStore) {
    const entry = found.get(key)
    if (entry !== undefined) local?.set(key, entry)
  }
  return found
}

/** The byte length every vector of this request must have; a stored entry of another length is corrupt. */
function expectedLength (found: Map<string, CachedVector>, dimensions: number | undefined): number {
  if (dimensions !== undefined) return dimensions * 4
  const counts = new Map<number, number>()
  for (const { bytes } of found.values()) {
    if (bytes.length > 0 && bytes.length % 4 === 0) counts.set(bytes.length, (counts.get(bytes.length) ?? 0) + 1)
  }
  let best = -1
  let bestCount = 0
  for (const [length, count] of counts) if (count > bestCount) [best, bestCount] = [length, count]
  return best
}
