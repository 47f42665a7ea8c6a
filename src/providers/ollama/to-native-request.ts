// OpenAI chat request → Ollama's native /api/chat body (providers.md §1.2). The native API is used
// because it exposes num_ctx, keep_alive, think and model defaults that the /v1 shim hides.
import type { ProviderConfig } from '../../config/schema.js'
import { durationMs } from '../../config/duration.js'
import { InvalidRequestError } from '../../errors/gateway-error.js'
import type { ChatMessage, ToolCall } from '../../schemas/openai-types.js'
import type { UpstreamChatRequest } from '../types.js'

/** Fields translated here; every other top-level field (think, format, keep_alive…) passes through. */
const TRANSLATED = new Set(['model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'seed', 'stop', 'max_tokens',
  'max_completion_tokens', 'presence_penalty', 'frequency_penalty', 'response_format', 'reasoning_effort', 'tools', 'tool_choice',
  'n', 'user', 'logit_bias', 'parallel_tool_calls', 'options'])

const THINK_LEVELS: Record<string, boolean | string> = { none: false, minimal: 'low', low: 'low', medium: 'medium', high: 'high', xhigh: 'high' }

export function toNativeChat (request: UpstreamChatRequest, config: ProviderConfig, stream: boolean): Record<string, unknown> {
  const n = request['n']
  if (typeof n === 'number' && n > 1) throw new InvalidRequestError(`${config.id} returns one choice per request; n=${n} is not supported`, { param: 'n', code: 'unsupported_parameter' })
  const body: Record<string, unknown> = { model: request.model, messages: toNativeMessages(request.messages), stream }
  for (const [key, value] of Object.entries(request)) if (!TRANSLATED.has(key) && value !== undefined) body[key] = value
  const options = { ...modelOptions(config, request.model), ...samplingOptions(request), ...asObject(request['options']) }
  if (Object.keys(options).length > 0) body['options'] = options
  if (config.keepAlive !== undefined && body['keep_alive'] === undefined) body['keep_alive'] = durationMs(config.keepAlive) / 1000
  const format = request['response_format'] as { type?: string, json_schema?: { schema?: unknown } } | undefined | null
  if (format?.type === 'json_object') body['format'] = 'json'
  else if (format?.type === 'json_schema') body['format'] = format.json_schema?.schema ?? 'json'
  const effort = request['reasoning_effort']
  if (typeof effort === 'string' && THINK_LEVELS[effort] !== undefined && body['think'] === undefined) body['think'] = THINK_LEVELS[effort]
  // Ollama has no tool_choice: "none" is honoured by not offering the tools.
  if (Array.isArray(request['tools']) && request['tool_choice'] !== 'none') body['tools'] = request['tools']
  return body
}

/** Provider options, overlaid by the model's own; the model key may be written with or without `:latest`. */
export function modelOptions (config: ProviderConfig, model: string): Record<string, unknown> {
  const perModel = config.modelOptions ?? {}
  const bare = model.endsWith(':latest') ? model.slice(0, -':latest'.length) : model
  return { ...config.options, ...perModel[bare], ...perModel[`${bare}:latest`] }
}

export function samplingOptions (request: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  for (const name of ['temperature', 'top_p', 'seed', 'presence_penalty', 'frequency_penalty']) {
    if (typeof request[name] === 'number') options[name] = request[name]
  }
  const maxTokens = request['max_completion_tokens'] ?? request['max_tokens']
  if (typeof maxTokens === 'number') options['num_predict'] = maxTokens
  const stop = request['stop']
  if (typeof stop === 'string') options['stop'] = [stop]
  else if (Array.isArray(stop)) options['stop'] = stop
  return options
}

function toNativeMessages (messages: ChatMessage[]): Array<Record<string, unknown>> {
  const toolNames = new Map<string, string>()
  return messages.map((message, i) => {
    const { content, tool_calls: toolCalls, reasoning_content: reasoning, ...rest } = message
    const native: Record<string, unknown> = { ...rest, role: message.role === 'developer' ? 'system' : message.role }
    Object.assign(native, nativeContent(content, i))
    if (typeof reasoning === 'string' && reasoning !== '') native['thinking'] = reasoning
    if (Array.isArray(toolCalls)) {
      native['tool_calls'] = toolCalls.map((call, j) => {
        if (call.id !== undefined && call.function?.name !== undefined) toolNames.set(call.id, call.function.name)
        return nativeToolCall(call, `messages[${i}].tool_calls[${j}].function.arguments`)
      })
    }
    if (message.role === 'tool' && message.tool_call_id !== undefined) {
      const name = toolNames.get(message.tool_call_id)
      if (name !== undefined) native['tool_name'] = name
    }
    return native
  })
}

/** Ollama takes a content string plus raw base64 `images` (no data: prefix, no URLs). */
function nativeContent (content: ChatMessage['content'], i: number): { content: string, images?: string[] } {
  if (content === undefined || content === null) return { content: '' }
  if (typeof content === 'string') return { content }
  const images: string[] = []
  let text = ''
  for (const part of content) {
    if (part.type === 'text') text += part.text ?? ''
    else if (part.type === 'image_url') {
      const url = part.image_url?.url ?? ''
      if (!url.startsWith('data:')) throw new InvalidRequestError('Ollama takes images as data URLs (data:image/png;base64,...), not links', { param: `messages[${i}].content`, code: 'unsupported_content' })
      images.push(url.slice(url.indexOf(',') + 1))
    } else throw new InvalidRequestError(`Ollama does not take ${part.type} content parts`, { param: `messages[${i}].content`, code: 'unsupported_content' })
  }
  return images.length > 0 ? { content: text, images } : { content: text }
}

function nativeToolCall (call: ToolCall, param: string): Record<string, unknown> {
  let args = call.function?.arguments ?? {}
  if (typeof args === 'string') {
    try {
      args = args === '' ? {} : JSON.parse(args) as Record<string, unknown>
    } catch {
      throw new InvalidRequestError('tool call arguments must be a JSON object', { param })
    }
  }
  return { ...(call.id !== undefined ? { id: call.id } : {}), function: { name: call.function?.name, arguments: args } }
}

export function asObject (value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
}
