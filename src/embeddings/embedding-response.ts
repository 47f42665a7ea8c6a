import type { Usage } from '../schemas/openai-types.js'
import { vectorToBase64 } from './vector-codec.js'

export type EncodingFormat = 'float' | 'base64'

export interface EmbeddingResponse {
  object: 'list'
  data: Array<{ object: 'embedding', index: number, embedding: number[] | string }>
  model: string
  usage: Pick<Usage, 'prompt_tokens' | 'total_tokens'>
}

/**
 * Vectors in input order → OpenAI's answer. base64 is little-endian float32, what openai-node asks for by
 * default and decodes; floats are rounded through float32 too, so both formats carry the same numbers.
 */
export function embeddingResponse (vectors: ArrayLike<number>[], format: EncodingFormat, model: string, usage: EmbeddingResponse['usage']): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? vectorToBase64(vector) : Array.from(Float32Array.from(vector))
    })),
    model,
    usage
  }
}
