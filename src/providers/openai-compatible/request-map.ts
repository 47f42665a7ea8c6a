// Small, named rewrites that provider dialects compose. Each either adapts a field the way
// providers.md documents, or refuses with a 400 naming the field: nothing is clamped silently.
import { createHash } from 'node:crypto'
import { InvalidRequestError } from '../../errors/gateway-error.js'
import type { ChatMessage, ContentPart } from '../../schemas/openai-types.js'

export type Body = Record<string, unknown> & { model: string, messages: ChatMessage[] }

/** `developer` is OpenAI's newer name for `system`; none of the Chinese backends knows it. */
export function developerToSystem (body: Body): void {
  if (body.messages.some((m) => m.role === 'developer')) {
    body.messages = body.messages.map((m) => m.role === 'developer' ? { ...m, role: 'system' } : m)
  }
}

export function maxCompletionTokensToMaxTokens (body: Body): void {
  const value = body['max_completion_tokens']
  if (value !== undefined && value !== null) {
    if (body['max_tokens'] === undefined || body['max_tokens'] === null) body['max_tokens'] = value
  }
  delete body['max_completion_tokens']
}

/** Backends that always answer with one choice: n > 1 would silently return fewer answers than asked for. */
export function refuseMultipleChoices (body: Body, providerId: string): void {
  const n = body['n']
  if (typeof n === 'number' && n > 1) {
    throw new InvalidRequestError(`${providerId} returns one choice per request; n=${n} is not supported`, { param: 'n', code: 'unsupported_parameter' })
  }
  delete body['n']
}

export function refuseJsonSchema (body: Body, providerId: string): void {
  const format = body['response_format'] as { type?: string } | undefined | null
  if (format?.type === 'json_schema') {
    throw new InvalidRequestError(`${providerId} does not support response_format json_schema; use {"type":"json_object"} and describe the schema in the prompt`, { param: 'response_format', code: 'unsupported_parameter' })
  }
}

export type ImagePolicy = 'reject' | 'keep' | 'bare-base64'

/**
 * Text-only part arrays become a plain string (every backend takes that); image parts are kept,
 * rewritten to bare base64 (Zhipu rejects data URLs) or refused.
 */
export function mapContentParts (body: Body, providerId: string, images: ImagePolicy): void {
  body.messages = body.messages.map((message, i) => {
    const content = message.content
    if (!Array.isArray(content)) return message
    const hasImage = content.some((part) => part.type !== 'text')
    if (!hasImage) return { ...message, content: content.map((part) => part.text ?? '').join('') }
    if (images === 'reject') {
      throw new InvalidRequestError(`${providerId} accepts text content only; messages[${i}] contains ${content.find((p) => p.type !== 'text')?.type ?? 'non-text'} parts`, { param: `messages[${i}].content`, code: 'unsupported_content' })
    }
    if (images === 'keep') return message
    return { ...message, content: content.map(stripDataUrl) }
  })
}

function stripDataUrl (part: ContentPart): ContentPart {
  const url = part.image_url?.url
  if (part.type !== 'image_url' || url === undefined || !url.startsWith('data:')) return part
  return { ...part, image_url: { ...part.image_url, url: url.slice(url.indexOf(',') + 1) } }
}

/** DeepSeek and Zhipu call it `user_id` and restrict it; a stable hash keeps one user one id. */
export function userToUserId (body: Body, rule: { pattern: RegExp, min: number, max: number }): void {
  const user = body['user']
  delete body['user']
  if (typeof user !== 'string' || user === '') return
  const fits = rule.pattern.test(user) && user.length >= rule.min && user.length <= rule.max
  body['user_id'] = fits ? user : `u_${createHash('sha256').update(user).digest('hex').slice(0, 32)}`
}

/** Both spellings of "stream usage, please": qiao always asks, to account usage. */
export function requestStreamUsage (body: Body): void {
  if (body['stream'] === true) {
    const options = (body['stream_options'] ?? {}) as Record<string, unknown>
    body['stream_options'] = Object.assign({}, options, { include_usage: true })
  } else {
    delete body['stream_options']
  }
}

export function dropFields (body: Body, fields: string[], log?: (fields: string[]) => void): void {
  const dropped = fields.filter((field) => body[field] !== undefined)
  for (const field of dropped) delete body[field]
  if (dropped.length > 0) log?.(dropped)
}
