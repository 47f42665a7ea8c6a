// Tokens the cache saved a request: the inputs it answered, never sent upstream, so never counted by the
// backend. Estimated at the request's own rate (the backend's tokens per character of the inputs it did
// embed) when there were misses, else at 4 characters a token; token-array inputs count exactly.
import type { CacheLookup } from './cached-embedder.js'
import type { EmbeddingItem } from './normalize-input.js'

export function savedTokens (lookup: CacheLookup, upstreamTokens: number): number {
  let hitSize = 0
  let missSize = 0
  const missing = new Set(lookup.missing)
  lookup.keys.forEach((key, i) => {
    const size = sizeOf(lookup.items[i] as EmbeddingItem)
    if (!missing.has(key)) hitSize += size.chars / 4 + size.tokens
    else missSize += size.chars / 4 + size.tokens
  })
  if (hitSize === 0) return 0
  const rate = missSize > 0 && upstreamTokens > 0 ? upstreamTokens / missSize : 1
  return Math.max(1, Math.round(hitSize * rate))
}

function sizeOf (item: EmbeddingItem): { chars: number, tokens: number } {
  return typeof item === 'string' ? { chars: item.length, tokens: 0 } : { chars: 0, tokens: item.length }
}
