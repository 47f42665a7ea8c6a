// `input` in any of OpenAI's four shapes → a list of inputs, each a string or a token-id array.
import { InvalidRequestError } from '../errors/gateway-error.js'
import type { EmbeddingInput } from '../schemas/openai-types.js'

export type EmbeddingItem = string | number[]

export function normalizeInput (input: EmbeddingInput, acceptsTokens: boolean, providerId: string): EmbeddingItem[] {
  const items: EmbeddingItem[] = typeof input === 'string'
    ? [input]
    : input.length > 0 && typeof input[0] === 'number' ? [input as number[]] : input as EmbeddingItem[]
  items.forEach((item, i) => {
    if (item.length === 0) {
      throw new InvalidRequestError(`input[${i}] is empty; every input must have at least one character or token`, { param: 'input', code: 'invalid_value' })
    }
    if (typeof item !== 'string' && !acceptsTokens) {
      throw new InvalidRequestError(`${providerId} embeds text only; send input as strings, not token arrays`, { param: 'input', code: 'unsupported_value' })
    }
  })
  return items
}
