// Text-completion chunks read with the same upstream stream reader as chat (batching, broken-stream detection,
// keep-alive reuse). That reader carries chat chunks; a text chunk rides in one as `text` and is taken out again.
import { UpstreamError } from '../errors/gateway-error.js'
import { readUpstreamChunks, type UpstreamBody } from '../streaming/upstream-chunks.js'
import type { TextCompletion } from './types.js'

export async function * readTextChunks<T> (
  body: UpstreamBody,
  decode: (source: AsyncIterable<Uint8Array>) => AsyncIterable<T[]>,
  chunkOf: (item: T, end: () => void) => TextCompletion | undefined,
  providerId: string
): AsyncGenerator<TextCompletion[]> {
  const carried = readUpstreamChunks(body, decode, (item, end) => {
    const chunk = chunkOf(item, end)
    return chunk === undefined ? undefined : { choices: [], text: chunk }
  }, providerId)
  for await (const batch of carried) yield batch.map((carrier) => carrier['text'] as TextCompletion)
}

/** An OpenAI-shaped `text_completion` (answer or chunk), checked just enough to be served. */
export function asTextCompletion (value: unknown, providerId: string): TextCompletion {
  const answer = value as Partial<TextCompletion> | null
  if (answer === null || typeof answer !== 'object' || !Array.isArray(answer.choices)) {
    throw new UpstreamError(`${providerId}: the completion answer has no choices`, { code: 'upstream_bad_response' })
  }
  for (const choice of answer.choices) if (typeof choice.text !== 'string') choice.text = ''
  return { ...answer, object: 'text_completion', choices: answer.choices }
}
