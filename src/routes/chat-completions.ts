// POST /v1/chat/completions: resolve the model, call the adapter, answer JSON or SSE.
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { toGatewayError } from '../errors/to-openai-error.js'
import { ChatCompletionRequestSchema, ChatCompletionResponseSchema } from '../schemas/chat-completions.js'
import { errorResponses } from '../schemas/error.js'
import type { ChatCompletionChunk, ChatCompletionRequest } from '../schemas/openai-types.js'
import { toClientChunks, type ClientStreamOptions } from '../streaming/chat-stream.js'
import { encodeSseBatch, encodeSseError, SSE_DONE } from '../streaming/sse-encoder.js'
import { guardStream } from '../routing/guard-stream.js'
import { primeStream } from '../streaming/prime-stream.js'
import { estimatePromptTokens } from '../limits/estimate.js'
import { callContext, markAttempt, markServedBy } from './call-context.js'

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }

export const chatCompletionsRoutes: FastifyPluginAsync<{ hide?: boolean }> = async (app, { hide = false }) => {
  app.post('/chat/completions', {
    schema: {
      hide,
      tags: ['chat'],
      summary: 'Create a chat completion (JSON, or server-sent events with stream: true)',
      body: ChatCompletionRequestSchema,
      response: { 200: ChatCompletionResponseSchema, ...errorResponses(400, 401, 402, 404, 429, 500, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const body = request.body as ChatCompletionRequest
    request.qiao.model = body.model
    const targets = await app.modelRouter.resolve(body.model)
    const ctx = callContext(request, reply)
    const identity = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: body.model }
    const prompt = () => estimatePromptTokens(body)

    if (body.stream !== true) {
      const served = await app.resilientCaller.call(targets, ctx.signal, async (t, signal) => {
        markAttempt(request, t, prompt)
        return await t.adapter.chat({ ...body, model: t.upstreamModel }, { ...ctx, signal })
      })
      markServedBy(request, reply, served.target, served.attempts)
      const completion = served.value
      Object.assign(completion, identity)
      if (completion.usage !== undefined && completion.usage !== null) request.qiao.usage = completion.usage
      return completion
    }

    const progress = { completionChunks: 0 }
    const served = await app.resilientCaller.call(targets, ctx.signal,
      async (t, signal) => {
        markAttempt(request, t, prompt, progress)
        const stream = await t.adapter.chatStream({ ...body, model: t.upstreamModel }, { ...ctx, signal })
        return { chunks: await primeStream(stream.chunks) }
      },
      (stream, hold) => ({ chunks: guardStream(stream.chunks, hold) }))
    markServedBy(request, reply, served.target, served.attempts)
    const options: ClientStreamOptions = {
      ...identity,
      includeUsage: body.stream_options?.include_usage === true,
      onUsage: (usage) => { request.qiao.usage = usage },
      progress
    }
    void reply.headers(SSE_HEADERS)
    return await reply.send(Readable.from(sseEvents(toClientChunks(served.value.chunks, options), request, reply, ctx.cancelledByClient)))
  })
}

/**
 * Chunk batches → SSE text, one string (one write to the response) per batch. A failure after the first byte ends the
 * stream with an error event, never a fake [DONE].
 */
async function * sseEvents (batches: AsyncIterable<ChatCompletionChunk[]>, request: FastifyRequest, reply: FastifyReply, cancelledByClient: () => boolean): AsyncGenerator<string> {
  try {
    for await (const batch of batches) {
      request.qiao.firstChunkMs ??= reply.elapsedTime
      yield encodeSseBatch(batch)
    }
    yield SSE_DONE
  } catch (err) {
    if (cancelledByClient()) {
      request.qiao.failure = 'caller_cancelled'
      return
    }
    const error = toGatewayError(err)
    request.qiao.failure = error.failure
    request.log.warn({ code: error.code, failure: error.failure, message: error.message }, 'stream failed after it started')
    yield encodeSseError(error.toBody().error)
  }
}
