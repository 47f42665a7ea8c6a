// cost = (uncached prompt × input + cached prompt × cachedInput + completion × output) / 1M, exact in integers.
import type { Usage } from '../schemas/openai-types.js'
import type { Price } from './prices.js'

/**
 * Prompt tokens the backend served from its own prompt cache: OpenAI's field (Zhipu, newer DeepSeek answers),
 * else DeepSeek's `prompt_cache_hit_tokens`.
 */
export function cachedPromptTokens (usage: Partial<Usage> | undefined): number {
  if (usage === undefined) return 0
  const details = (usage as { prompt_tokens_details?: { cached_tokens?: unknown } | null }).prompt_tokens_details
  const cached = details?.cached_tokens ?? (usage as { prompt_cache_hit_tokens?: unknown }).prompt_cache_hit_tokens
  return typeof cached === 'number' && Number.isFinite(cached) && cached > 0 ? Math.floor(cached) : 0
}

/** What a usage costs at a price, in nanos (picos per token × tokens, rounded once to the nano). */
export function costNanos (usage: Partial<Usage> | undefined, price: Price): number {
  if (usage === undefined) return 0
  const prompt = usage.prompt_tokens ?? 0
  const cached = Math.min(cachedPromptTokens(usage), prompt)
  const completion = usage.completion_tokens ?? 0
  const picos = (prompt - cached) * price.input + cached * price.cachedInput + completion * price.output
  return Math.round(picos / 1000)
}

/** The cost of `tokens` prompt tokens at a price's input rate, in nanos (an estimate's or a saving's worth). */
export function inputNanos (tokens: number, price: Price): number {
  return Math.round(tokens * price.input / 1000)
}
