// POST /v1/messages and /v1/messages/count_tokens: Anthropic's Messages API as a front of the shared chat core.
// Its own error handler spells every failure (auth and limits hooks, validation, backends) as Anthropic's body.
import type { FastifyPluginAsync } from 'fastify'
import { countTokens } from '../fronts/anthropic/count-tokens.js'
import { anthropicError } from '../fronts/anthropic/errors.js'
import { toMessage } from '../fronts/anthropic/from-chat.js'
import {
  AnthropicErrorSchema, CountTokensRequestSchema, CountTokensResponseSchema, MessageResponseSchema, MessagesRequestSchema
} from '../fronts/anthropic/schema.js'
import { AnthropicStreamEncoder } from '../fronts/anthropic/stream-events.js'
import { toChatRequest } from '../fronts/anthropic/to-chat.js'
import type { MessagesRequest } from '../fronts/anthropic/types.js'
import { sendEventStream } from '../streaming/event-stream-reply.js'
import { chatCompletion, chatStream, frontEvents } from './chat-core.js'
import { replyWithError } from './error-reply.js'

const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, AnthropicErrorSchema]))

export const messagesRoutes: FastifyPluginAsync<{ hide?: boolean }> = async (app, { hide = false }) => {
  app.setErrorHandler(async (err, request, reply) => {
    replyWithError(err, request, reply, (error) => anthropicError(error, request.id))
  })

  app.post('/messages', {
    schema: {
      hide,
      tags: ['anthropic'],
      summary: 'Create a message (Anthropic Messages API; server-sent events with stream: true)',
      description: 'Authenticate with x-api-key or Authorization: Bearer; anthropic-version and anthropic-beta are accepted.',
      body: MessagesRequestSchema,
      response: { 200: MessageResponseSchema, ...errors(400, 401, 402, 403, 404, 429, 500, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const body = request.body as MessagesRequest
    const chat = toChatRequest(body)
    if (body.stream !== true) return toMessage(await chatCompletion(request, reply, chat), body.stop_sequences)
    const stream = await chatStream(request, reply, chat)
    const encoder = new AnthropicStreamEncoder({ model: body.model, stopSequences: body.stop_sequences })
    return await sendEventStream(reply, frontEvents(request, reply, stream, {
      batch: (chunks) => encoder.batch(chunks),
      end: () => encoder.end(),
      error: (error) => encoder.error(error)
    }))
  })

  app.post('/messages/count_tokens', {
    schema: {
      hide,
      tags: ['anthropic'],
      summary: 'Count the input tokens of a Messages request (an estimate: characters / 4)',
      body: CountTokensRequestSchema,
      response: { 200: CountTokensResponseSchema, ...errors(400, 401, 403, 404) }
    }
  }, async (request) => {
    const body = request.body as MessagesRequest
    // An unknown model is a 404 here too, as it would be for the message itself.
    await app.modelRouter.resolve(body.model)
    return { input_tokens: countTokens(toChatRequest(body)) }
  })
}
