// Tokens a request will cost, guessed before the call: prompt characters / 4 (rounded up) plus the completion
// the client allows (max_completion_tokens, max_tokens) or DEFAULT_COMPLETION_TOKENS. The real usage
// replaces the guess once the answer is complete.

export const DEFAULT_COMPLETION_TOKENS = 256

export function estimateTokens (body: unknown): number {
  if (body === null || typeof body !== 'object') return 1
  const request = body as Record<string, unknown>
  const completion = firstNumber(request['max_completion_tokens'], request['max_tokens'], request['max_output_tokens'])
  // Chat, Anthropic messages and Responses (`input` as items) generate; embeddings, rerank only read.
  if ('messages' in request || 'prompt' in request || ('instructions' in request) || hasItems(request['input'])) {
    return estimatePromptTokens(request) + (completion ?? DEFAULT_COMPLETION_TOKENS)
  }
  if ('query' in request) return Math.max(1, Math.ceil((textOf(request['query']) + textOf(request['documents'])) / 4))
  return Math.max(1, Math.ceil(inputLength(request['input']) / 4))
}

/** The prompt part of a generating request's estimate: what the backend charges for a request it has received. */
export function estimatePromptTokens (request: { messages?: unknown, prompt?: unknown, input?: unknown, system?: unknown, instructions?: unknown }): number {
  const chars = textLength(request.messages) + textOf(request.prompt) + textOf(request.system) + textOf(request.instructions) +
    (hasItems(request.input) || typeof request.input === 'string' ? textOf(request.input) : 0)
  return Math.ceil(chars / 4)
}

function hasItems (input: unknown): boolean {
  return Array.isArray(input) && input.some((item) => item !== null && typeof item === 'object' && !Array.isArray(item))
}

/** Characters of text anywhere in a value: strings, and the `text`/`content` of parts and items, to any depth. */
function textOf (value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length
  if (depth > 6 || value === null || typeof value !== 'object') return 0
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + textOf(item, depth + 1), 0)
  const record = value as Record<string, unknown>
  return textOf(record['text'], depth + 1) + textOf(record['content'], depth + 1) + textOf(record['output'], depth + 1) + textOf(record['arguments'], depth + 1)
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
