/**
 * Serialises OpenAI-style streaming responses as SSE frames: one `data:` line
 * per JSON chunk, the `[DONE]` sentinel, and the in-band error frame that
 * OpenAI clients recognise once the 200 headers have already been sent.
 * JSON.stringify never emits raw newlines, so a single `data:` line is safe.
 */
import { plainChunkJson } from './plain-chunk.js'

export const SSE_DONE = 'data: [DONE]\n\n'

export function encodeSseData (payload: unknown): string {
  const json: string | undefined = plainChunkJson(payload) ?? JSON.stringify(payload)
  if (json === undefined) {
    throw new TypeError('SSE payload is not JSON-serialisable')
  }
  return `data: ${json}\n\n`
}

/** A batch of payloads as one string, so the batch leaves in one write. */
export function encodeSseBatch (payloads: readonly unknown[]): string {
  let text = ''
  for (const payload of payloads) text += encodeSseData(payload)
  return text
}

export function encodeSseError (error: {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}): string {
  // Rebuilt explicitly: fixed key order and no stray extra properties.
  const body = {
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  }
  return `data: ${JSON.stringify(body)}\n\n`
}
