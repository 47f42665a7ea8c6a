// Tokens a request will cost, guessed before the call: prompt characters / 4 (rounded up) plus the completion
// the client allows (max_completion_tokens, max_tokens) or DEFAULT_COMPLETION_TOKENS. The real usage
// replaces the guess once the answer is complete.

export const DEFAULT_COMPLETION_TOKENS = 256

export function estimateTokens (body: unknown): number {
  if (body === null || typeof body !== 'object') return 1
  const request = body as Record<string, unknown>
  if ('messages' in request) {
    const completion = firstNumber(request['max_completion_tokens'], request['max_tokens']) ?? DEFAULT_COMPLETION_TOKENS
    return estimatePromptTokens(request) + completion
  }
  return Math.max(1, Math.ceil(inputLength(request['input']) / 4))
}

/** The prompt part of a chat request's estimate: what the backend charges for a request it has received. */
export function estimatePromptTokens (request: { messages?: unknown }): number {
  return Math.ceil(textLength(request.messages) / 4)
}

function firstNumber (...values: unknown[]): number | undefined {
  return values.find((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0)
}

/** Characters of every message's text: string content, or the `text` of content parts. */
function textLength (messages: unknown): number {
  if (!Array.isArray(messages)) return 0
  let chars = 0
  for (const message of messages as Array<{ content?: unknown }>) {
    const content = message?.content
    if (typeof content === 'string') chars += content.length
    else if (Array.isArray(content)) {
      for (const part of content as Array<{ text?: unknown }>) if (typeof part?.text === 'string') chars += part.text.length
    }
  }
  return chars
}

/** Embedding input: a string, strings, or token arrays (each token counts 4 characters, i.e. one token). */
function inputLength (input: unknown): number {
  if (typeof input === 'string') return input.length
  if (!Array.isArray(input)) return 0
  return (input as unknown[]).reduce<number>((sum, item) =>
    sum + (typeof item === 'string' ? item.length : typeof item === 'number' ? 4 : Array.isArray(item) ? item.length * 4 : 0), 0)
}
