// The shared implementation for every backend that speaks an OpenAI-shaped wire format
// (DeepSeek, Zhipu, ModelScope, any `openai` server). Provider files supply only a Dialect.
import { providerKeys, upstreamClientOptions } from '../../config/provider-policy.js'
import type { ProviderConfig } from '../../config/schema.js'
import { type GatewayError, InvalidRequestError, UpstreamError } from '../../errors/gateway-error.js'
import type { ChatCompletion, ChatCompletionChunk } from '../../schemas/openai-types.js'
import { aggregateChunks } from '../../streaming/aggregate-chunks.js'
import { plainChunk } from '../../streaming/plain-chunk.js'
import { decodeSse, type SseEvent } from '../../streaming/sse-decoder.js'
import { readUpstreamChunks } from '../../streaming/upstream-chunks.js'
import { PROVIDER_CATALOG } from '../catalog.js'
import { normalizedIf, vectorOf } from '../normalize-vectors.js'
import { readRerankAnswer } from '../rerank-answer.js'
import type { CallContext, ChatStream, EmbedCall, EmbedResult, ProviderAdapter, UpstreamChatRequest } from '../types.js'
import { callUpstream, fetchJson } from '../upstream-call.js'
import { upstreamError, type UpstreamFailure } from '../upstream-errors.js'
import { UpstreamClient, type UpstreamResponse } from '../../upstream/upstream-client.js'
import type { Dialect } from './dialect.js'
import { normalizeChunk, normalizeCompletion } from './normalize-response.js'
import { requestStreamUsage, type Body } from './request-map.js'
import { eventPayload, textCompletion, textCompletionStream, type Transport } from './text-completions.js'

export class OpenAICompatibleAdapter implements ProviderAdapter {
  readonly id: string
  readonly type
  readonly acceptsTokenInput: boolean
  readonly supportsEmbeddings: boolean
  readonly rerank?: NonNullable<ProviderAdapter['rerank']>
  readonly completion?: NonNullable<ProviderAdapter['completion']>
  readonly completionStream?: NonNullable<ProviderAdapter['completionStream']>
  private readonly client: UpstreamClient
  /** A second pool for paths off the origin (DeepSeek's `/beta`), made only when the base URL has a path. */
  private originClient: UpstreamClient | undefined
  private readonly secrets: string[]

  constructor (readonly config: ProviderConfig, private readonly dialect: Dialect) {
    this.id = config.id
    this.type = config.type
    this.acceptsTokenInput = dialect.acceptsTokenInput
    this.supportsEmbeddings = dialect.supportsEmbeddings
    this.secrets = providerKeys(config)
    this.client = new UpstreamClient(upstreamClientOptions(config, PROVIDER_CATALOG[config.type].baseUrl))
    const rerank = dialect.rerank
    if (rerank !== undefined) {
      this.rerank = async (call, ctx) => {
        rerank.check?.(call)
        const topN = call.topN ?? rerank.allTopN
        const body = { ...call.extra, model: call.model, query: call.query, documents: call.documents, return_documents: false, ...(topN !== undefined ? { top_n: topN } : {}) }
        return readRerankAnswer(await this.fetchJson('/rerank', body, ctx), call.documents.length, this.id)
      }
    }
    const completions = dialect.completions
    if (completions !== undefined) {
      const transport: Transport = {
        json: async (body, ctx) => await fetchJson(this.clientFor(completions.fromOrigin), { method: 'POST', path: completions.path, body }, ctx, this.id, this.toError),
        stream: async (body, ctx) => await callUpstream(this.clientFor(completions.fromOrigin), { method: 'POST', path: completions.path, body }, ctx, this.id, this.toError)
      }
      this.completion = async (request, ctx) => await textCompletion(transport, request, ctx, this.id)
      this.completionStream = async (request, ctx) => await textCompletionStream(transport, request, ctx, this.id)
    }
  }

  async listModels (): Promise<string[]> {
    const models = this.config.models ?? PROVIDER_CATALOG[this.type].models
    return [...new Set([...models, ...(this.dialect.rerank?.models ?? [])])]
  }

  async chat (request: UpstreamChatRequest, ctx: CallContext): Promise<ChatCompletion> {
    if (this.dialect.aggregateNonStream === true) {
      const { chunks } = await this.chatStream(request, ctx)
      return await aggregateChunks(chunks, { id: '', created: Math.floor(Date.now() / 1000), model: request.model })
    }
    const body = this.mapChat(request, false, ctx)
    return normalizeCompletion(await this.fetchJson('/chat/completions', body, ctx), this.id)
  }

  async chatStream (request: UpstreamChatRequest, ctx: CallContext): Promise<ChatStream> {
    const body = this.mapChat(request, true, ctx)
    const response = await this.send('/chat/completions', body, ctx)
    return { chunks: readUpstreamChunks(response.body, decodeSse, (event, end) => this.chunkOf(event, end), this.id) }
  }

  async embed (call: EmbedCall, ctx: CallContext): Promise<EmbedResult> {
    if (!this.supportsEmbeddings) {
      throw new InvalidRequestError(`The model '${this.id}/${call.model}' does not support embeddings: ${this.type} has no embeddings API`, { param: 'model', code: 'model_not_supported' })
    }
    this.dialect.checkEmbedCall?.(call)
    const vectors: EmbedResult['vectors'] = []
    let promptTokens = 0
    for (let start = 0; start < call.inputs.length; start += this.dialect.maxEmbeddingBatch) {
      const batch = call.inputs.slice(start, start + this.dialect.maxEmbeddingBatch)
      // Always floats upstream: base64 support varies by backend, and qiao encodes for the client.
      const body = { ...call.extra, model: call.model, input: batch, encoding_format: 'float', ...(call.dimensions !== undefined ? { dimensions: call.dimensions } : {}) }
      // Normalising works on the answer's doubles; otherwise the vectors are read as float32 straight away.
      const answer = await this.fetchJson('/embeddings', body, ctx, this.config.normalizeEmbeddings !== true) as { data?: Array<{ index?: number, embedding?: unknown }>, usage?: { prompt_tokens?: number } }
      if (!Array.isArray(answer.data) || answer.data.length !== batch.length) {
        throw new UpstreamError(`${this.id}: the embeddings answer has ${answer.data?.length ?? 'no'} vectors for ${batch.length} inputs`, { code: 'upstream_bad_response' })
      }
      const ordered = [...answer.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
      for (const item of ordered) vectors.push(vectorOf(item.embedding, this.id))
      promptTokens += answer.usage?.prompt_tokens ?? 0
    }
    return normalizedIf(this.config.normalizeEmbeddings, { vectors, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } })
  }

  async close (): Promise<void> {
    await Promise.all([this.client.close(), this.originClient?.close()])
  }

  private clientFor (fromOrigin = false): UpstreamClient {
    if (!fromOrigin || this.client.basePath === '') return this.client
    this.originClient ??= new UpstreamClient(upstreamClientOptions({ ...this.config, baseUrl: this.client.origin }, this.client.origin))
    return this.originClient
  }

  /**
   * The upstream's body, a copy the dialect may change. Copied with Object.assign: on Node 20 an object made by
   * a spread leaves V8's fast path when a property is added to it, ~2 µs per added property.
   */
  private mapChat (request: UpstreamChatRequest, stream: boolean, ctx: CallContext): Body {
    const body = Object.assign({}, request) as Body
    body['stream'] = stream
    requestStreamUsage(body)
    this.dialect.mapChatRequest(body, ctx)
    return body
  }

  private readonly toError = (failure: UpstreamFailure): GatewayError =>
    this.dialect.refineError?.(failure) ?? upstreamError(failure, this.dialect.isQuotaExhausted, this.secrets)

  /** A streamed answer. */
  private async send (path: string, body: unknown, ctx: CallContext): Promise<UpstreamResponse> {
    return await callUpstream(this.client, { method: 'POST', path, body }, ctx, this.id, this.toError)
  }

  /** A JSON answer, read whole. */
  private async fetchJson (path: string, body: unknown, ctx: CallContext, vectors = false): Promise<unknown> {
    return await fetchJson(this.client, { method: 'POST', path, body }, ctx, this.id, this.toError, { vectors })
  }

  private chunkOf (event: SseEvent, end: () => void): ChatCompletionChunk | undefined {
    const plain = plainChunk(event.data)
    if (plain !== undefined) return plain
    const payload = eventPayload(event, end, this.id)
    return payload === undefined ? undefined : normalizeChunk(payload, this.id)
  }
}
