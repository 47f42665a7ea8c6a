// POST /v1/chat/completions: the chat core's answer as JSON, or its chunks as OpenAI's server-sent events.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { ChatCompletionRequestSchema, ChatCompletionResponseSchema } from '../schemas/chat-completions.js'
import { errorResponses } from '../schemas/error.js'
import type { ChatCompletionRequest } from '../schemas/openai-types.js'
import { sendEventStream } from '../streaming/event-stream-reply.js'
import { encodeSseBatch, encodeSseError, SSE_DONE } from '../streaming/sse-encoder.js'
import { chatCompletion, chatStream, frontEvents } from './chat-core.js'

/**
 * OpenAI's framing: a failure after the first byte ends the stream with an error event, never a fake [DONE].
 * A client that sends `x-qiao-include-cost: true` (the console's playground) also gets the cost before [DONE],
 * as an SSE comment (`: x-qiao-cost 0.0031`): the headers left long before the usage was known. Opt-in, so
 * that clients which read every event as `data:` never see it.
 */
export function openaiEvents (request: FastifyRequest) {
  const withCost = request.headers['x-qiao-include-cost'] === 'true'
  return {
    batch: encodeSseBatch,
    end: () => {
      const cost = withCost ? request.server.pricing.costNow(request) : undefined
      return cost !== undefined ? `: x-qiao-cost ${cost}\n\n${SSE_DONE}` : SSE_DONE
    },
    error: (error: { toBody: () => { error: Parameters<typeof encodeSseError>[0] } }) => encodeSseError(error.toBody().error)
  }
}

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
    if (body.stream !== true) return await chatCompletion(request, reply, body)
    const stream = await chatStream(request, reply, body)
    return await sendEventStream(reply, frontEvents(request, reply, stream, openaiEvents(request)))
  })
}
