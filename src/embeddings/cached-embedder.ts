// Per input, not per request: cached inputs are served from the store, only the distinct misses go
// upstream (in one call), concurrent misses for the same key on this instance share one upstream call,
// and the answer is merged back in input order.
import { type FailureClass, GatewayError } from '../errors/gateway-error.js'
import type { EmbedResult } from '../providers/types.js'
import type { CacheMode } from './cache-mode.js'
import { cacheKey } from './cache-key.js'
import { readCached } from './cache-read.js'
import { CachedVector } from './cached-vector.js'
import type { EmbeddingCache } from './embedding-cache.js'
import type { EmbeddingItem } from './normalize-input.js'
import { vectorToBuffer } from './vector-codec.js'
import { VectorTier } from './vector-tier.js'

export class CacheMissError extends GatewayError {
  readonly statusCode = 504
  readonly type = 'invalid_request_error'
  readonly defaultFailure: FailureClass = 'caller_cache_miss'
  constructor (missing: number, total: number) {
    super(`only-if-cached: ${missing} of ${total} inputs are not in the cache`, 'cache_miss')
  }
}

export interface CacheLookupRequest {
  items: EmbeddingItem[]
  namespace: string
  mode: CacheMode
  dimensions: number | undefined
}

/** What the store holds for a request's inputs: complete when nothing needs to go upstream. */
export interface CacheLookup {
  readonly items: EmbeddingItem[]
  readonly mode: CacheMode
  /** One key per input, duplicates included. */
  readonly keys: string[]
  /** Distinct keys the store did not have. */
  readonly missing: string[]
  readonly found: Map<string, CachedVector>
  readonly complete: boolean
}

export interface CachedEmbedResult {
  /** The vectors in input order (duplicates share an entry). */
  vectors: CachedVector[]
  /** Inputs (duplicates included) answered from the cache. */
  hits: number
  /** Tokens this request sent upstream. */
  promptTokens: number
}

/** Embeds the given distinct inputs upstream. */
export type FetchEmbeddings = (items: EmbeddingItem[]) => Promise<EmbedResult>

export class CachedEmbedder {
  private readonly inflight = new Map<string, Promise<CachedVector>>()
  /** In-process entries: the memory store itself, or a tier of `frontBytes` in front of Redis. */
  readonly local: VectorTier | undefined

  constructor (private readonly cache: EmbeddingCache | undefined, frontBytes = 0) {
    this.local = cache?.store.tier ?? (cache !== undefined && frontBytes > 0 ? new VectorTier(frontBytes) : undefined)
  }

  /** Reads the store once; a complete lookup is answered without the upstream (see `answer`). */
  async lookup ({ items, namespace, mode, dimensions }: CacheLookupRequest): Promise<CacheLookup> {
    const keys = items.map((item) => cacheKey(namespace, item))
    const unique = [...new Set(keys)]
    const found = this.cache !== undefined && (mode === 'default' || mode === 'only-if-cached')
      ? await readCached(this.cache, this.local, unique, dimensions)
      : new Map<string, CachedVector>()
    const missing = unique.filter((key) => !found.has(key))
    if (mode === 'only-if-cached' && missing.length > 0) {
      throw new CacheMissError(keys.filter((key) => !found.has(key)).length, keys.length)
    }
    return { items, mode, keys, missing, found, complete: missing.length === 0 }
  }

  /**
   * The lookup's answer, fetching what it lacks: concurrent misses for the same key share one upstream
   * call. A lookup may be completed again after a failed fetch (a retry): what arrived is kept.
   */
  async complete (lookup: CacheLookup, fetch: FetchEmbeddings): Promise<CachedEmbedResult> {
    const { items, mode, keys, missing, found } = lookup
    const wanted = missing.filter((key) => !found.has(key))
    const joined = wanted.flatMap((key) => {
      const running = this.inflight.get(key)
      return running === undefined ? [] : [[key, running] as const]
    })
    const toFetch = wanted.filter((key) => !this.inflight.has(key))
    let promptTokens = await this.fetchMisses(toFetch, keys, items, mode, fetch, found)
    // A shared call that failed (or whose client went away) is no answer for this request: fetch those itself.
    const orphaned: string[] = []
    await Promise.all(joined.map(async ([key, running]) => {
      try {
        found.set(key, await running)
      } catch {
        orphaned.push(key)
      }
    }))
    promptTokens += await this.fetchMisses(orphaned, keys, items, mode, fetch, found)
    return { ...this.answer(lookup), promptTokens }
  }

  /** `lookup` then `complete`. */
  async embed (request: CacheLookupRequest & { fetch: FetchEmbeddings }): Promise<CachedEmbedResult> {
    return await this.complete(await this.lookup(request), request.fetch)
  }

  /** The vectors of a complete lookup, in input order. */
  answer ({ keys, missing, found }: CacheLookup): CachedEmbedResult {
    const missingSet = new Set(missing)
    const hits = keys.filter((key) => !missingSet.has(key)).length
    return { vectors: keys.map((key) => found.get(key) as CachedVector), hits, promptTokens: 0 }
  }

  private async fetchMisses (toFetch: string[], keys: string[], items: EmbeddingItem[], mode: CacheMode,
    fetch: FetchEmbeddings, found: Map<string, CachedVector>): Promise<number> {
    if (toFetch.length === 0) return 0
    const itemByKey = new Map(keys.map((key, i) => [key, items[i] as EmbeddingItem]))
    const pending = new Map(toFetch.map((key) => [key, deferred<CachedVector>()]))
    for (const [key, { promise }] of pending) this.inflight.set(key, promise)
    try {
      const result = await fetch(toFetch.map((key) => itemByKey.get(key) as EmbeddingItem))
      const expiresAt = Date.now() + (this.cache?.ttlMs ?? 0)
      const fresh = toFetch.map((key, i) => [key, new CachedVector(vectorToBuffer(result.vectors[i] ?? []), expiresAt)] as const)
      for (const [key, entry] of fresh) {
        found.set(key, entry)
        pending.get(key)?.resolve(entry)
        if (mode !== 'no-store') this.local?.set(key, entry)
      }
      // The in-process store already holds them; Redis gets the bytes.
      if (mode !== 'no-store' && this.cache?.store.tier === undefined) await this.cache?.setMany(fresh.map(([key, entry]) => [key, entry.bytes]))
      return result.usage.prompt_tokens
    } catch (err) {
      for (const { reject } of pending.values()) reject(err) // an upstream error caches nothing
      throw err
    } finally {
      for (const key of toFetch) this.inflight.delete(key)
    }
  }
}

function deferred<T> (): { promise: Promise<T>, resolve: (value: T) => void, reject: (err: unknown) => void } {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((_resolve, _reject) => { resolve = _resolve; reject = _reject })
  promise.catch(() => {}) // a joined waiter may not exist; the fetching request reports the error
  return { promise, resolve, reject }
}
