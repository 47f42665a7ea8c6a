// Any other OpenAI-compatible server (vLLM, LM Studio, Xinference, OpenAI itself): forwarded as the client sent it.
import type { ProviderConfig } from '../config/schema.js'
import { OpenAICompatibleAdapter } from './openai-compatible/adapter.js'

export function createOpenAIAdapter (config: ProviderConfig): OpenAICompatibleAdapter {
  return new OpenAICompatibleAdapter(config, {
    supportsEmbeddings: true,
    acceptsTokenInput: true,
    maxEmbeddingBatch: 2048,
    // Xinference, vLLM, Jina-compatible servers: `{baseUrl}/rerank` in the Cohere/Jina shape; which of the
    // configured models rerank is the operator's to say, so none is added to the list.
    rerank: { models: [] },
    completions: { path: '/completions' },
    mapChatRequest () {}
  })
}
