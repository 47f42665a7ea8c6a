// What makes one OpenAI-shaped backend differ from another: a request rewrite and a few flags.
import type { GatewayError } from '../../errors/gateway-error.js'
import type { CallContext, EmbedCall, RerankCall } from '../types.js'
import type { QuotaCheck, UpstreamFailure } from '../upstream-errors.js'
import type { Body } from './request-map.js'

export interface Dialect {
  /** Rewrites the (copied) chat body in place; throws InvalidRequestError for what the backend cannot take. */
  mapChatRequest: (body: Body, ctx: CallContext) => void
  /** Validates an embeddings call; throws InvalidRequestError for what the backend cannot take. */
  checkEmbedCall?: (call: EmbedCall) => void
  supportsEmbeddings: boolean
  acceptsTokenInput: boolean
  maxEmbeddingBatch: number
  /** Serve non-streaming chat by streaming upstream and aggregating. */
  aggregateNonStream?: boolean
  /** Send the API key when listing models (ModelScope's list is public). */
  isQuotaExhausted?: QuotaCheck
  /** The backend's `/rerank` (Cohere/Jina shape); absent: no rerank. */
  rerank?: {
    /** Rerank models listed next to the provider's others. */
    models: string[]
    /** Throws InvalidRequestError, naming the field, for what the backend would refuse. */
    check?: (call: RerankCall) => void
    /** The `top_n` that asks for every document when the client gave none (Zhipu: 0). */
    allTopN?: number
  }
  /** Legacy text completions: the path, and whether it hangs off the origin rather than the base path (DeepSeek's beta). */
  completions?: { path: string, fromOrigin?: boolean }
  /** Provider-specific reading of an error body, before the generic status mapping. */
  refineError?: (failure: UpstreamFailure) => GatewayError | undefined
}
