// Zhipu BigModel / Z.AI (providers.md §3): narrower parameter ranges, one stop word, tool_choice
// `auto` only, `thinking` instead of reasoning_effort, bare base64 images, business error codes.
import type { ProviderConfig } from '../config/schema.js'
import { InvalidRequestError, NotFoundError } from '../errors/gateway-error.js'
import { OpenAICompatibleAdapter } from './openai-compatible/adapter.js'
import type { RerankCall } from './types.js'
import {
  type Body, developerToSystem, dropFields, mapContentParts, maxCompletionTokensToMaxTokens, refuseJsonSchema,
  refuseMultipleChoices, userToUserId
} from './openai-compatible/request-map.js'

/** Business codes that arrive as HTTP 429 but no retry fixes: balance, daily or plan caps. */
const EXHAUSTED_CODES = new Set(['1113', '1304', '1308', '1309', '1310', '1311', '1313'])
const EMBEDDING_3_DIMENSIONS = new Set([256, 512, 1024, 2048])
/** Zhipu's rerank limits (docs.bigmodel.cn, 文本重排序): refused here with the field named, before a call is spent. */
const RERANK_MAX_DOCUMENTS = 128
const RERANK_MAX_CHARS = 4096

export function createZhipuAdapter (config: ProviderConfig): OpenAICompatibleAdapter {
  return new OpenAICompatibleAdapter(config, {
    supportsEmbeddings: true,
    acceptsTokenInput: false,
    maxEmbeddingBatch: 64,
    mapChatRequest (body, ctx) {
      developerToSystem(body)
      maxCompletionTokensToMaxTokens(body)
      refuseMultipleChoices(body, config.id)
      refuseJsonSchema(body, config.id)
      mapContentParts(body, config.id, 'bare-base64')
      userToUserId(body, { pattern: /^[\s\S]+$/, min: 6, max: 128 })
      mapSampling(body, config.id)
      mapToolChoice(body, config.id)
      const effort = body['reasoning_effort']
      if (typeof effort === 'string') {
        body['thinking'] ??= { type: effort === 'none' ? 'disabled' : 'enabled' }
        delete body['reasoning_effort']
      }
      dropFields(body, ['presence_penalty', 'frequency_penalty', 'logprobs', 'top_logprobs', 'logit_bias', 'parallel_tool_calls'],
        (fields) => ctx.log?.debug({ fields }, 'fields zhipu does not take were dropped'))
    },
    checkEmbedCall (call) {
      if (call.dimensions === undefined) return
      if (call.model === 'embedding-3' && !EMBEDDING_3_DIMENSIONS.has(call.dimensions)) {
        throw new InvalidRequestError(`${config.id}: embedding-3 takes dimensions 256, 512, 1024 or 2048`, { param: 'dimensions' })
      }
      if (call.model === 'embedding-2' && call.dimensions !== 1024) {
        throw new InvalidRequestError(`${config.id}: embedding-2 has a fixed 1024 dimensions`, { param: 'dimensions' })
      }
    },
    rerank: { models: ['rerank'], check: (call) => { checkRerank(call, config.id) }, allTopN: 0 },
    isQuotaExhausted: (failure) => failure.vendor.code !== null && EXHAUSTED_CODES.has(failure.vendor.code),
    refineError: (failure) => failure.vendor.code === '1211'
      ? new NotFoundError(`${config.id}: ${failure.vendor.message}`, { code: 'model_not_found', param: 'model' })
      : undefined
  })
}

function checkRerank (call: RerankCall, id: string): void {
  if (call.query.length > RERANK_MAX_CHARS) throw new InvalidRequestError(`${id} takes a query of at most ${RERANK_MAX_CHARS} characters; got ${call.query.length}`, { param: 'query' })
  if (call.documents.length > RERANK_MAX_DOCUMENTS) {
    throw new InvalidRequestError(`${id} reranks at most ${RERANK_MAX_DOCUMENTS} documents per request; got ${call.documents.length}`, { param: 'documents' })
  }
  const long = call.documents.findIndex((text) => text.length > RERANK_MAX_CHARS)
  if (long >= 0) {
    throw new InvalidRequestError(`${id} takes documents of at most ${RERANK_MAX_CHARS} characters; documents[${long}] has ${call.documents[long]?.length ?? 0}`, { param: `documents[${long}]` })
  }
}

/** temperature is [0, 1] on Zhipu; 0 means greedy decoding, which Zhipu spells do_sample:false. */
function mapSampling (body: Body, id: string): void {
  const temperature = body['temperature']
  if (typeof temperature === 'number') {
    if (temperature > 1) throw new InvalidRequestError(`${id} takes temperature between 0 and 1; got ${temperature}`, { param: 'temperature' })
    if (temperature === 0) {
      body['do_sample'] = false
      delete body['temperature']
    }
  }
  // Older GLM-4 models reject top_p = 1 (OpenAI's default); 0.99 is the vendor SDK's own rewrite.
  if (body['top_p'] === 1) body['top_p'] = 0.99
  const stop = body['stop']
  if (typeof stop === 'string') body['stop'] = [stop]
  else if (Array.isArray(stop) && stop.length > 1) {
    throw new InvalidRequestError(`${id} takes a single stop sequence; got ${stop.length}`, { param: 'stop', code: 'unsupported_parameter' })
  }
}

function mapToolChoice (body: Body, id: string): void {
  const choice = body['tool_choice']
  if (choice === undefined || choice === null || choice === 'auto') return
  if (choice === 'none') {
    delete body['tools']
    delete body['tool_choice']
    return
  }
  throw new InvalidRequestError(`${id} supports tool_choice "auto" and "none" only`, { param: 'tool_choice', code: 'unsupported_parameter' })
}
