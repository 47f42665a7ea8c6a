// The contract every backend adapter fulfils. Routes and the router see only this interface.
import type { ProviderConfig, ProviderType } from '../config/schema.js'
import type { Cancellation } from '../routing/cancel-signal.js'
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Usage } from '../schemas/openai-types.js'

export interface CallContext {
  signal: Cancellation
  requestId: string
  /** Debug notes about adaptations (dropped or renamed fields) go here. */
  log?: { debug: (obj: object, msg: string) => void, error: (obj: object, msg: string) => void }
}

/** A chat request whose `model` is already the upstream model name. */
export type UpstreamChatRequest = ChatCompletionRequest

export interface ChatStream {
  /**
   * Upstream chunks, already in OpenAI shape (ids, usage and roles are normalised later), in batches: all the
   * chunks one upstream buffer carried, handed on as soon as it is read. A batch is never empty.
   */
  chunks: AsyncIterable<ChatCompletionChunk[]>
}

export interface EmbedCall {
  model: string
  /** Strings, or token-id arrays when the adapter accepts them. */
  inputs: Array<string | number[]>
  dimensions?: number
  /** Fields the client sent that qiao does not interpret; passed to the backend. */
  extra: Record<string, unknown>
}

export interface EmbedResult {
  /** Float32Arrays when read from the answer's bytes (see src/upstream/vector-json.ts). */
  vectors: Array<number[] | Float32Array>
  usage: Pick<Usage, 'prompt_tokens' | 'total_tokens'>
}

export interface RerankCall {
  model: string
  query: string
  /** The request's documents as plain text, in the request's order. */
  documents: string[]
  /** How many results the client wants; absent means all. */
  topN?: number
  extra: Record<string, unknown>
}

export interface RerankResult {
  /** One score per document the backend returned; `index` points into `RerankCall.documents`. */
  scores: Array<{ index: number, relevance_score: number }>
  usage: { prompt_tokens: number, total_tokens: number } | undefined
}

/** OpenAI's legacy `text_completion` answer, or one of its stream chunks (the same shape). */
export interface TextCompletion {
  id?: string
  object?: string
  created?: number
  model?: string
  choices: Array<{ index: number, text: string, finish_reason?: string | null, logprobs?: unknown, [field: string]: unknown }>
  usage?: Usage | null
  [field: string]: unknown
}

/** A legacy completions request (`prompt` a string), `model` already the upstream name. */
export interface TextCompletionRequest {
  model: string
  prompt: string
  suffix?: string | null
  stream?: boolean | null
  echo?: boolean | null
  [field: string]: unknown
}

export interface TextCompletionStream {
  /** Chunks in batches, as for chat; usage arrives on the last chunk or one of its own with no choices. */
  chunks: AsyncIterable<TextCompletion[]>
}

export interface ProviderAdapter {
  readonly id: string
  readonly type: ProviderType
  readonly config: ProviderConfig
  /** Whether `input` may be token-id arrays. */
  readonly acceptsTokenInput: boolean
  readonly supportsEmbeddings: boolean
  /** Models this provider serves: configured, or discovered from the backend. */
  listModels: () => Promise<string[]>
  chat: (request: UpstreamChatRequest, ctx: CallContext) => Promise<ChatCompletion>
  /** Resolves once the backend has accepted the request (status and headers received). */
  chatStream: (request: UpstreamChatRequest, ctx: CallContext) => Promise<ChatStream>
  embed: (call: EmbedCall, ctx: CallContext) => Promise<EmbedResult>
  /** Present only where the backend has a rerank API. */
  rerank?: (call: RerankCall, ctx: CallContext) => Promise<RerankResult>
  /** Present only where the backend has legacy text completions (with fill in the middle). */
  completion?: (request: TextCompletionRequest, ctx: CallContext) => Promise<TextCompletion>
  completionStream?: (request: TextCompletionRequest, ctx: CallContext) => Promise<TextCompletionStream>
  close: () => Promise<void>
}
