import type { Usage } from '../schemas/openai-types.js'
import { bufferToVector } from './vector-codec.js'

export type EncodingFormat = 'float' | 'base64'

export interface EmbeddingResponse {
  object: 'list'
  data: Array<{ object: 'embedding', index: number, embedding: number[] | string }>
  model: string
  usage: Pick<Usage, 'prompt_tokens' | 'total_tokens'>
}

/**
 * float32 little-endian vectors in input order → OpenAI's answer. base64 is those bytes as they are
 * (what openai-node asks for by default and decodes), so both formats carry the same numbers.
 */
export function embeddingResponse (vectors: Buffer[], format: EncodingFormat, model: string, promptTokens: number): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? vector.toString('base64') : bufferToVector(vector)
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens }
  }
}
