// Unit-length (L2) vectors for providers configured with `normalizeEmbeddings`: backends disagree (Ollama's
// /api/embed normalises, OpenAI-shaped servers may not), and cosine scores compare alike only between unit vectors.
import type { EmbedResult } from './types.js'

export function l2Normalize (vector: number[]): number[] {
  let sum = 0
  for (const value of vector) sum += value * value
  // A zero vector has no direction to keep: it is answered as it came.
  if (sum === 0 || !Number.isFinite(sum)) return vector
  const scale = 1 / Math.sqrt(sum)
  return vector.map((value) => value * scale)
}

export function normalizedIf (enabled: boolean | undefined, result: EmbedResult): EmbedResult {
  return enabled === true ? { ...result, vectors: result.vectors.map(l2Normalize) } : result
}
