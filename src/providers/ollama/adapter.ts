// Ollama through its native API: /api/chat (NDJSON stream), /api/embed, /api/tags for discovery.
import { randomUUID } from 'node:crypto'
import { providerKeys, upstreamClientOptions } from '../../config/provider-policy.js'
import type { ProviderConfig } from '../../config/schema.js'
import { durationMs } from '../../config/duration.js'
import { type GatewayError, UpstreamError } from '../../errors/gateway-error.js'
import type { ChatCompletion } from '../../schemas/openai-types.js'
import { decodeNdjson } from '../../streaming/ndjson-decoder.js'
import { readUpstreamChunks } from '../../streaming/upstream-chunks.js'
import { UpstreamClient, type UpstreamResponse } from '../../upstream/upstream-client.js'
import { PROVIDER_CATALOG } from '../catalog.js'
import { normalizedIf, vectorOf } from '../normalize-vectors.js'
import { readTextChunks } from '../text-chunks.js'
import type {
  CallContext, ChatStream, EmbedCall, EmbedResult, ProviderAdapter, TextCompletion, TextCompletionRequest, TextCompletionStream, UpstreamChatRequest
} from '../types.js'
import { callUpstream, fetchJson } from '../upstream-call.js'
import { upstreamError, type UpstreamFailure } from '../upstream-errors.js'
import { NativeChatTranslator, type NativeChatLine } from './from-native-response.js'
import { GenerateTranslator, toNativeGenerate, type NativeGenerateLine } from './generate.js'
import { toNativeChat } from './to-native-request.js'

const DISCOVERY_TTL_MS = 30_000
const DISCOVERY_TIMEOUT_MS = 2_000
const EMBED_BATCH = 256

export class OllamaAdapter implements ProviderAdapter {
  readonly id: string
  readonly type = 'ollama' as const
  readonly acceptsTokenInput = false
  readonly supportsEmbeddings = true
  private readonly client: UpstreamClient
  private discovered: { at: number, models: string[] } | undefined
  private discovering: Promise<string[]> | undefined

  constructor (readonly config: ProviderConfig) {
    this.id = config.id
    this.client = new UpstreamClient(upstreamClientOptions(config, PROVIDER_CATALOG.ollama.baseUrl))
  }

  /** Configured models plus those Ollama has pulled, re-read at most every 30 s. */
  async listModels (): Promise<string[]> {
    const configured = this.config.models ?? []
    if (this.discovered === undefined || Date.now() - this.discovered.at > DISCOVERY_TTL_MS) {
      this.discovering ??= this.discover().finally(() => { this.discovering = undefined })
      const models = await this.discovering
      this.discovered = { at: Date.now(), models }
    }
    return [...new Set([...configured, ...this.discovered.models])]
  }

  async chat (request: UpstreamChatRequest, ctx: CallContext): Promise<ChatCompletion> {
    const line = await this.fetchJson('/api/chat', toNativeChat(request, this.config, false), ctx) as NativeChatLine
    return new NativeChatTranslator(this.id).completion(line, `chatcmpl-${randomUUID()}`, request.model)
  }

  async chatStream (request: UpstreamChatRequest, ctx: CallContext): Promise<ChatStream> {
    const response = await this.post('/api/chat', toNativeChat(request, this.config, true), ctx)
    const translator = new NativeChatTranslator(this.id)
    // The `done` line carries the finish reason and usage: the last chunk.
    return {
      chunks: readUpstreamChunks(response.body, decodeNdjson, (line, end) => {
        if ((line as NativeChatLine).done === true) end()
        return translator.chunk(line as NativeChatLine)
      }, this.id)
    }
  }

  async completion (request: TextCompletionRequest, ctx: CallContext): Promise<TextCompletion> {
    const line = await this.fetchJson('/api/generate', toNativeGenerate(request, this.config, false), ctx) as NativeGenerateLine
    return new GenerateTranslator(this.id, request).completion(line, request.model)
  }

  /** NDJSON lines become text_completion chunks; the `done` line carries the finish reason and usage. */
  async completionStream (request: TextCompletionRequest, ctx: CallContext): Promise<TextCompletionStream> {
    const response = await this.post('/api/generate', toNativeGenerate(request, this.config, true), ctx)
    const translator = new GenerateTranslator(this.id, request)
    return {
      chunks: readTextChunks(response.body, decodeNdjson, (line, end) => {
        if ((line as NativeGenerateLine).done === true) end()
        return translator.chunk(line as NativeGenerateLine)
      }, this.id)
    }
  }

  async embed (call: EmbedCall, ctx: CallContext): Promise<EmbedResult> {
    const vectors: EmbedResult['vectors'] = []
    let tokens = 0
    for (let start = 0; start < call.inputs.length; start += EMBED_BATCH) {
      const input = call.inputs.slice(start, start + EMBED_BATCH)
      const body: Record<string, unknown> = { ...call.extra, model: call.model, input }
      delete body['encoding_format']
      if (call.dimensions !== undefined) body['dimensions'] = call.dimensions
      if (this.config.keepAlive !== undefined && body['keep_alive'] === undefined) body['keep_alive'] = durationMs(this.config.keepAlive) / 1000
      // Normalising works on the answer's doubles; otherwise the vectors are read as float32 straight away.
      const answer = await this.fetchJson('/api/embed', body, ctx, this.config.normalizeEmbeddings !== true) as { embeddings?: unknown, prompt_eval_count?: number }
      if (!Array.isArray(answer.embeddings) || answer.embeddings.length !== input.length) {
        throw new UpstreamError(`${this.id}: the embeddings answer does not match the ${input.length} inputs`, { code: 'upstream_bad_response' })
      }
      for (const vector of answer.embeddings) vectors.push(vectorOf(vector, this.id))
      tokens += answer.prompt_eval_count ?? 0
    }
    return normalizedIf(this.config.normalizeEmbeddings, { vectors, usage: { prompt_tokens: tokens, total_tokens: tokens } })
  }

  async close (): Promise<void> {
    await this.client.close()
  }

  private readonly toError = (failure: UpstreamFailure): GatewayError => upstreamError(failure, undefined, providerKeys(this.config))

  /** A streamed answer. */
  private async post (path: string, body: unknown, ctx: CallContext): Promise<UpstreamResponse> {
    return await callUpstream(this.client, { method: 'POST', path, body }, ctx, this.id, this.toError)
  }

  /** A JSON answer, read whole. */
  private async fetchJson (path: string, body: unknown, ctx: CallContext, vectors = false): Promise<unknown> {
    return await fetchJson(this.client, { method: 'POST', path, body }, ctx, this.id, this.toError, { vectors })
  }

  private async discover (): Promise<string[]> {
    const signal = AbortSignal.timeout(DISCOVERY_TIMEOUT_MS)
    try {
      const response = await this.client.request({ method: 'GET', path: '/api/tags', signal, apiKey: this.client.keys.take() })
      if (response.statusCode !== 200) {
        await response.body.dump()
        return this.discovered?.models ?? []
      }
      const tags = await response.body.json() as { models?: Array<{ model?: string, name?: string }> }
      return (tags.models ?? []).map((m) => m.model ?? m.name ?? '').filter((name) => name !== '')
    } catch {
      return this.discovered?.models ?? [] // Ollama not running: serve what is configured
    }
  }
}
