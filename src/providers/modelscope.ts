// ModelScope API-Inference (providers.md §2): OpenAI-shaped, but thinking models refuse
// `stream: false` (so non-streaming chat streams upstream and aggregates), `errors` (plural) bodies,
// and a daily quota that answers 429 with the remaining count at 0.
import type { ProviderConfig } from '../config/schema.js'
import { NotFoundError } from '../errors/gateway-error.js'
import { OpenAICompatibleAdapter } from './openai-compatible/adapter.js'
import { developerToSystem, maxCompletionTokensToMaxTokens } from './openai-compatible/request-map.js'
import type { UpstreamFailure } from './upstream-errors.js'

export function createModelScopeAdapter (config: ProviderConfig): OpenAICompatibleAdapter {
  return new OpenAICompatibleAdapter(config, {
    supportsEmbeddings: true,
    acceptsTokenInput: false,
    maxEmbeddingBatch: 32,
    aggregateNonStream: true,
    mapChatRequest (body) {
      developerToSystem(body)
      maxCompletionTokensToMaxTokens(body)
    },
    isQuotaExhausted: quotaExhausted,
    refineError: (failure) => failure.vendor.code === 'model_not_found'
      ? new NotFoundError(`${config.id}: ${failure.vendor.message}`, { code: 'model_not_found', param: 'model' })
      : undefined
  })
}

function quotaExhausted ({ status, headers, vendor }: UpstreamFailure): boolean {
  if (status !== 429) return false
  const remaining = [headers['modelscope-ratelimit-requests-remaining'], headers['modelscope-ratelimit-model-requests-remaining']]
  return remaining.some((value) => value === '0') || /quota|exhausted|exceeded today/i.test(vendor.message)
}
