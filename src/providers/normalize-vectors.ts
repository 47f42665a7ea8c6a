// Unit-length (L2) vectors for providers configured with `normalizeEmbeddings`: backends disagree (Ollama's
// /api/embed normalises, OpenAI-shaped servers may not), and cosine scores compare alike only between unit vectors.
import { UpstreamError } from '../errors/gateway-error.js'
import type { EmbedResult } from './types.js'

export function l2Normalize (vector: number[] | Float32Array): number[] | Float32Array {
  let sum = 0
  for (const value of vector) sum += value * value
  // A zero vector has no direction to keep: it is answered as it came.
  if (sum === 0 || !Number.isFinite(sum)) return vector
  const scale = 1 / Math.sqrt(sum)
  return Array.from(vector, (value) => value * scale)
}

export function normalizedIf (enabled: boolean | undefined, result: EmbedResult): EmbedResult {
  return enabled === true ? { ...result, vectors: result.vectors.map(l2Normalize) } : result
}

/** An answer's embedding as read (number[] or, from the bytes, Float32Array), or a bad-answer error. */
export function vectorOf (value: unknown, providerId: string): number[] | Float32Array {
  if (value instanceof Float32Array) return value
  if (Array.isArray(value)) return value as number[]
  throw new UpstreamError(`${providerId}: an embedding is not a list of numbers`, { code: 'upstream_bad_response' })
}
