// OpenAI's embeddings answer, written as bytes from each vector's ready encoding: no object is built and
// nothing is serialised per request. The JSON is exactly what JSON.stringify would give for
// {object, data: [{object, index, embedding}], model, usage}, with floats in shortest float32 form.
import type { CachedVector, EncodingFormat } from './cached-vector.js'

export type { EncodingFormat } from './cached-vector.js'

const HEAD = Buffer.from('{"object":"list","data":[')
const ITEM_END = Buffer.from('}')

/**
 * float32 vectors in input order → the answer's body. base64 is the vectors' bytes as they are (what
 * openai-node asks for by default and decodes), so both formats carry the same numbers.
 */
export function embeddingBody (vectors: CachedVector[], format: EncodingFormat, model: string, promptTokens: number): Buffer {
  const parts: Buffer[] = [HEAD]
  let length = HEAD.length
  vectors.forEach((vector, index) => {
    const head = Buffer.from(`${index === 0 ? '' : ','}{"object":"embedding","index":${index},"embedding":`, 'latin1')
    const value = vector.json(format)
    parts.push(head, value, ITEM_END)
    length += head.length + value.length + 1
  })
  const tail = Buffer.from(`],"model":${JSON.stringify(model)},"usage":{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens}}}`)
  parts.push(tail)
  return Buffer.concat(parts, length + tail.length)
}
