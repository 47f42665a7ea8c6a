// Any other OpenAI-compatible server (vLLM, LM Studio, OpenAI itself): forwarded as the client sent it.
import type { ProviderConfig } from '../config/schema.js'
import { OpenAICompatibleAdapter } from './openai-compatible/adapter.js'

export function createOpenAIAdapter (config: ProviderConfig): OpenAICompatibleAdapter {
  return new OpenAICompatibleAdapter(config, {
    supportsEmbeddings: true,
    acceptsTokenInput: true,
    maxEmbeddingBatch: 2048,
    mapChatRequest () {}
  })
}
