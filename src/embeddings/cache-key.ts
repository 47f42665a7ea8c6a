// One cache key per (scope, upstream identity, dimensions, exact input). encoding_format is not part of
// it: vectors are stored once as float32 and encoded per response.
import { createHash, hash } from 'node:crypto'
import type { EmbeddingItem } from './normalize-input.js'

export interface UpstreamIdentity {
  providerType: string
  baseUrl: string
  model: string
  dimensions: number | undefined
}

export const CACHE_KEY_VERSION = 'emb:v1'

/** The part shared by every input of one request; hashed so keys stay short whatever the names. */
export function keyNamespace (scope: string, identity: UpstreamIdentity): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([scope, identity.providerType, identity.baseUrl, identity.model, identity.dimensions ?? null]))
    .digest('base64url')
    .slice(0, 22)
  return `${CACHE_KEY_VERSION}:${digest}`
}

export function cacheKey (namespace: string, item: EmbeddingItem): string {
  // Text and token ids are kept apart by a tag, so "1,2" the text never equals [1, 2] the tokens.
  // One-shot hash(): a cached answer computes one key per input, and a Hash object each cost more.
  const tagged = typeof item === 'string' ? `s${item}` : `t${item.join(',')}`
  return `${namespace}:${hash('sha256', tagged, 'base64url')}`
}
