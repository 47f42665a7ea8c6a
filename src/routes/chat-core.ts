// The one chat path every API front shares (chat completions, and fronts that translate to it): resolve the
// model, call the targets through the resilient caller, and account usage, attempts and cost on the request.
// Fronts translate their wire format to a ChatCompletionRequest and the answer or chunks back; nothing here
// is re-implemented per front.
import { randomUUID } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { GatewayError } from '../errors/gateway-error.js'
import { toGatewayError } from '../errors/to-openai-error.js'
import { estimatePromptTokens } from '../limits/estimate.js'
import { guardStream } from '../routing/guard-stream.js'
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../schemas/openai-types.js'
import type { RouteTarget } from '../routing/model-router.js'
import { toClientChunks } from '../streaming/chat-stream.js'
import { primeStream } from '../streaming/prime-stream.js'
import { callContext, markAttempt, markServedBy } from './call-context.js'

/** A stream a front encodes: client-shaped batches of its chunks. */
export interface FrontStream<T> {
  batches: AsyncIterable<T[]>
  /** Whether the stream's source ended because the client left (and not at the shutdown deadline). */
  cancelledByClient: () => boolean
}

/** Chat chunk batches: one id/created/model, role once, finish reasons, tool calls announced first. */
export type ChatStream = FrontStream<ChatCompletionChunk>

function identityOf (model: string): { id: string, created: number, model: string } {
  return { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model }
}

/** The request as one target gets it: its own model name (a copy by Object.assign, see the adapter's mapChat). */
function upstreamRequest (body: ChatCompletionRequest, target: RouteTarget): ChatCompletionRequest {
  const request = Object.assign({}, body)
  request.model = target.upstreamModel
  return request
}

/** What both kinds of call start from: the model's targets, the call's signal, the prompt's estimate. */
async function begin (request: FastifyRequest, reply: FastifyReply, body: ChatCompletionRequest) {
  request.qiao.model = body.model
  const targets = await request.server.modelRouter.resolve(body.model)
  return { app: request.server, targets, ctx: callContext(request, reply), prompt: () => estimatePromptTokens(body) }
}

/** A whole answer: usage and the serving target are recorded on the request. */
export async function chatCompletion (request: FastifyRequest, reply: FastifyReply, body: ChatCompletionRequest): Promise<ChatCompletion> {
  const { app, targets, ctx, prompt } = await begin(request, reply, body)
  const served = await app.resilientCaller.call(targets, ctx.signal, async (t, signal) => {
    markAttempt(request, t, prompt)
    return await t.adapter.chat(upstreamRequest(body, t), { ...ctx, signal })
  })
  markServedBy(request, reply, served.target, served.attempts)
  const completion = served.value
  Object.assign(completion, identityOf(body.model))
  if (completion.usage !== undefined && completion.usage !== null) request.qiao.usage = completion.usage
  return completion
}

/**
 * A stream, once its first chunk has arrived (a failure before it is still a JSON error or a retry). Usage is
 * recorded as it arrives; a client that leaves pays the prompt and the chunks sent so far.
 */
export async function chatStream (request: FastifyRequest, reply: FastifyReply, body: ChatCompletionRequest): Promise<ChatStream> {
  const { app, targets, ctx, prompt } = await begin(request, reply, body)
  const progress = { completionChunks: 0 }
  const served = await app.resilientCaller.call(targets, ctx.signal,
    async (t, signal) => {
      markAttempt(request, t, prompt, progress)
      const stream = await t.adapter.chatStream(upstreamRequest(body, t), { ...ctx, signal })
      return { chunks: await primeStream(stream.chunks) }
    },
    (stream, hold) => ({ chunks: guardStream(stream.chunks, hold) }))
  markServedBy(request, reply, served.target, served.attempts)
  const { id, created, model } = identityOf(body.model)
  const batches = toClientChunks(served.value.chunks, {
    id,
    created,
    model,
    includeUsage: body.stream_options?.include_usage === true,
    onUsage: (usage) => { request.qiao.usage = usage },
    progress
  })
  return { batches, cancelledByClient: ctx.cancelledByClient }
}

/**
 * Drives a front's event encoder over a chat stream: one string (one write) per batch, the first-chunk time
 * recorded, and a failure after the start classified and handed to the front's own error event.
 */
export async function * frontEvents<T> (
  request: FastifyRequest,
  reply: FastifyReply,
  stream: FrontStream<T>,
  encode: { batch: (chunks: T[]) => string, end: () => string, error: (error: GatewayError) => string }
): AsyncGenerator<string> {
  try {
    for await (const batch of stream.batches) {
      request.qiao.firstChunkMs ??= reply.elapsedTime
      const text = encode.batch(batch)
      if (text !== '') yield text
    }
    yield encode.end()
  } catch (err) {
    if (stream.cancelledByClient()) {
      request.qiao.failure = 'caller_cancelled'
      return
    }
    const error = toGatewayError(err)
    request.qiao.failure = error.failure
    request.log.warn({ code: error.code, failure: error.failure, message: error.message }, 'stream failed after it started')
    yield encode.error(error)
  }
}
