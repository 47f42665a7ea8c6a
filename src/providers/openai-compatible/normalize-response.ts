// Light, in-place fix-ups of OpenAI-shaped answers (providers.md §7): finish reasons that are not
// OpenAI's, reasoning under other names, tool-call arguments as objects, DeepSeek's cache counters.
// Objects are never rebuilt field by field, so fields we do not know reach the client.
import { UpstreamError } from '../../errors/gateway-error.js'
import type { ChatCompletion, ChatCompletionChunk, ChatMessage, ChunkDelta, ToolCall, Usage } from '../../schemas/openai-types.js'

const FINISH_REASONS: Record<string, string> = {
  sensitive: 'content_filter', // Zhipu moderation
  model_context_window_exceeded: 'length', // Zhipu
  insufficient_system_resource: 'length' // DeepSeek: output cut short
}

export function mapFinishReason (reason: unknown, providerId: string): string | null {
  if (reason === undefined || reason === null) return null
  if (reason === 'network_error') throw new UpstreamError(`${providerId}: the model failed while generating (network_error)`)
  const text = String(reason)
  return FINISH_REASONS[text] ?? text
}

export function normalizeMessage (message: ChatMessage | ChunkDelta): void {
  const reasoning = message['reasoning']
  if (typeof reasoning === 'string' && (message.reasoning_content === undefined || message.reasoning_content === null)) {
    message.reasoning_content = reasoning
  }
  if (Array.isArray(message.tool_calls)) message.tool_calls.forEach(normalizeToolCall)
}

function normalizeToolCall (call: ToolCall): void {
  const fn = call.function
  if (fn !== undefined && fn.arguments !== undefined && typeof fn.arguments !== 'string') fn.arguments = JSON.stringify(fn.arguments)
  if (call.id !== undefined && call.type === undefined) call.type = 'function'
}

export function normalizeUsage (usage: Usage): void {
  const hit = usage['prompt_cache_hit_tokens']
  if (typeof hit === 'number' && usage['prompt_tokens_details'] === undefined) usage['prompt_tokens_details'] = { cached_tokens: hit }
  if (typeof usage.total_tokens !== 'number') usage.total_tokens = (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0)
}

export function normalizeCompletion (raw: unknown, providerId: string): ChatCompletion {
  const completion = raw as ChatCompletion
  if (completion === null || typeof completion !== 'object' || !Array.isArray(completion.choices)) {
    throw new UpstreamError(`${providerId}: the answer is not a chat completion`, { code: 'upstream_bad_response' })
  }
  completion.object = 'chat.completion'
  completion.choices.forEach((choice, i) => {
    choice.index ??= i
    choice.finish_reason = mapFinishReason(choice.finish_reason, providerId)
    if (choice.message !== undefined && choice.message !== null) normalizeMessage(choice.message)
  })
  if (completion.usage !== undefined && completion.usage !== null) normalizeUsage(completion.usage)
  return completion
}

export function normalizeChunk (raw: unknown, providerId: string): ChatCompletionChunk {
  const chunk = raw as ChatCompletionChunk
  if (chunk === null || typeof chunk !== 'object') {
    throw new UpstreamError(`${providerId}: a stream event is not a chat completion chunk`, { code: 'upstream_bad_response' })
  }
  if (!Array.isArray(chunk.choices)) chunk.choices = []
  for (const choice of chunk.choices) {
    choice.finish_reason = mapFinishReason(choice.finish_reason, providerId)
    if (choice.delta === undefined || choice.delta === null) choice.delta = {}
    normalizeMessage(choice.delta)
  }
  if (chunk.usage !== undefined && chunk.usage !== null) normalizeUsage(chunk.usage)
  return chunk
}
