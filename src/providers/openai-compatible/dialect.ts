// What makes one OpenAI-shaped backend differ from another: a request rewrite and a few flags.
import type { GatewayError } from '../../errors/gateway-error.js'
import type { CallContext, EmbedCall } from '../types.js'
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
  /** Provider-specific reading of an error body, before the generic status mapping. */
  refineError?: (failure: UpstreamFailure) => GatewayError | undefined
}
