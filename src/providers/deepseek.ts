// DeepSeek (providers.md §4): no embeddings API, text-only content, `user_id` instead of `user`,
// reasoning_content that must be replayed in thinking mode with tools (kept: messages pass through).
import type { ProviderConfig } from '../config/schema.js'
import { NotFoundError } from '../errors/gateway-error.js'
import type { ChatMessage } from '../schemas/openai-types.js'
import { OpenAICompatibleAdapter } from './openai-compatible/adapter.js'
import {
  type Body, developerToSystem, dropFields, mapContentParts, maxCompletionTokensToMaxTokens, refuseJsonSchema,
  refuseMultipleChoices, userToUserId
} from './openai-compatible/request-map.js'

const REASONING_EFFORT: Record<string, string> = { minimal: 'high', low: 'high', medium: 'high', high: 'high', xhigh: 'max', max: 'max' }

export function createDeepSeekAdapter (config: ProviderConfig): OpenAICompatibleAdapter {
  return new OpenAICompatibleAdapter(config, {
    supportsEmbeddings: false,
    acceptsTokenInput: false,
    maxEmbeddingBatch: 1,
    // FIM lives under `{origin}/beta` (api-docs.deepseek.com/guides/fim_completion), not the chat base path.
    completions: { path: '/beta/completions', fromOrigin: true },
    mapChatRequest (body, ctx) {
      developerToSystem(body)
      maxCompletionTokensToMaxTokens(body)
      refuseMultipleChoices(body, config.id)
      refuseJsonSchema(body, config.id)
      mapContentParts(body, config.id, 'reject')
      userToUserId(body, { pattern: /^[A-Za-z0-9_-]+$/, min: 1, max: 512 })
      const effort = body['reasoning_effort']
      if (typeof effort === 'string') {
        if (effort === 'none') {
          delete body['reasoning_effort']
          body['thinking'] ??= { type: 'disabled' }
        } else if (REASONING_EFFORT[effort] !== undefined) body['reasoning_effort'] = REASONING_EFFORT[effort]
      }
      dropFields(body, ['seed', 'logit_bias', 'parallel_tool_calls'], (fields) => ctx.log?.debug({ fields }, 'fields deepseek does not take were dropped'))
      replayReasoningOnToolTurns(body)
    },
    // DeepSeek answers an unknown model with 400 "Model Not Exist"; clients expect OpenAI's 404.
    refineError: (failure) => failure.status === 400 && /model not exist/i.test(failure.vendor.message)
      ? new NotFoundError(`${config.id}: ${failure.vendor.message}`, { code: 'model_not_found', param: 'model' })
      : undefined
  })
}

/**
 * In thinking mode DeepSeek refuses a tool-call turn replayed without its reasoning_content (§4.5), and
 * clients drop that field (openai-node 6's runTools, LangChain): a placeholder, as litellm does.
 */
function replayReasoningOnToolTurns (body: Body): void {
  const thinking = (body['thinking'] as { type?: unknown } | undefined)?.type
  if (thinking === 'disabled' || (thinking !== 'enabled' && body.model === 'deepseek-chat')) return
  const lost = (m: ChatMessage) => m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length > 0 && typeof m.reasoning_content !== 'string'
  if (body.messages.some(lost)) body.messages = body.messages.map((m) => lost(m) ? { ...m, reasoning_content: ' ' } : m)
}
