// OpenAI finish reasons and usage → Anthropic's, for whole answers and streams alike.
import type { Usage } from '../../schemas/openai-types.js'
import type { AnthropicUsage, StopReason } from './types.js'

export interface Stop { stop_reason: StopReason, stop_sequence: string | null }

/**
 * OpenAI says `stop` for a natural end and a matched stop sequence alike; only servers that name the matched
 * string (vLLM's `stop_reason`) let us tell `stop_sequence` apart.
 */
export function stopOf (finishReason: string | null | undefined, matched: unknown, stopSequences: readonly string[] | undefined): Stop {
  if (finishReason === 'length') return { stop_reason: 'max_tokens', stop_sequence: null }
  if (finishReason === 'tool_calls' || finishReason === 'function_call') return { stop_reason: 'tool_use', stop_sequence: null }
  if (finishReason === 'content_filter') return { stop_reason: 'refusal', stop_sequence: null }
  if (typeof matched === 'string' && stopSequences?.includes(matched) === true) return { stop_reason: 'stop_sequence', stop_sequence: matched }
  return { stop_reason: 'end_turn', stop_sequence: null }
}

/** Anthropic counts cache reads apart from input_tokens; OpenAI includes them in prompt_tokens. */
export function usageOf (usage: Usage | null | undefined): AnthropicUsage {
  if (usage === undefined || usage === null) return { input_tokens: 0, output_tokens: 0 }
  const details = usage['prompt_tokens_details'] as { cached_tokens?: unknown } | null | undefined
  const cached = typeof details?.cached_tokens === 'number' ? details.cached_tokens : undefined
  const out: AnthropicUsage = { input_tokens: usage.prompt_tokens - (cached ?? 0), output_tokens: usage.completion_tokens }
  if (cached !== undefined) out.cache_read_input_tokens = cached
  return out
}
