// POST /v1/responses (OpenAI's Responses API) over the shared chat core, and the stored responses behind
// previous_response_id: GET and DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { durationMs } from '../config/duration.js'
import { NotFoundError, UpstreamUnavailableError } from '../errors/gateway-error.js'
import { fromChatCompletion } from '../fronts/responses/from-chat.js'
import {
  DeletedResponseSchema, InputItemsListSchema, InputItemsQuery, ResponseIdParams, ResponseSchema, ResponsesRequestSchema
} from '../fronts/responses/schema.js'
import { MemoryResponseStore, RedisResponseStore, type ResponseStore, type StoredResponse } from '../fronts/responses/store.js'
import { encodeEvents, ResponseEvents } from '../fronts/responses/stream-events.js'
import { inputItems, toChatRequest } from '../fronts/responses/to-chat.js'
import { newId, type ResponseItem, type ResponseObject, type ResponsesRequest } from '../fronts/responses/types.js'
import { withTimeout } from '../redis-outage.js'
import { errorResponses } from '../schemas/error.js'
import { sendEventStream } from '../streaming/event-stream-reply.js'
import { chatCompletion, chatStream, frontEvents } from './chat-core.js'

const STORE_TIMEOUT_MS = 2_000
const ID_PREFIX: Record<string, string> = { message: 'msg', function_call: 'fc', function_call_output: 'fco', reasoning: 'rs' }

/** Registered once: one store serves both the /v1 routes and their unprefixed twins. */
export const responsesRoutes: FastifyPluginAsync = async (app) => {
  const ttlMs = durationMs(app.config.responses.ttl)
  const store = app.redis !== undefined ? new RedisResponseStore(app.redis, ttlMs) : new MemoryResponseStore(ttlMs)
  for (const [prefix, hide] of [['/v1', false], ['', true]] as const) {
    await app.register(async (api) => { routes(api, store, hide) }, { prefix })
  }
}

function routes (app: FastifyInstance, store: ResponseStore, hide: boolean): void {
  const teamOf = (request: FastifyRequest) => request.qiao.team ?? 'default'
  // A store that is down is a 503: a 404 would tell the client its response is gone for good.
  const guard = async <T>(call: Promise<T>): Promise<T> => {
    try {
      return await withTimeout(call, STORE_TIMEOUT_MS)
    } catch (err) {
      throw new UpstreamUnavailableError('The response store (Redis) is unavailable; retry shortly', { code: 'response_store_unavailable', failure: 'gateway_internal', cause: err })
    }
  }
  const read = async (id: string, team: string) => await guard(store.get(id, team))
  const found = async (request: FastifyRequest<{ Params: { id: string } }>): Promise<StoredResponse> => {
    const record = await read(request.params.id, teamOf(request))
    if (record === undefined) throw new NotFoundError(`Response with id '${request.params.id}' not found.`, { param: 'response_id' })
    return record
  }
  /** Written before the answer leaves; a store that fails costs the continuation, not the paid-for answer. */
  const save = async (request: FastifyRequest, response: ResponseObject, input: ResponseItem[]): Promise<void> => {
    try {
      await withTimeout(store.save({ team: teamOf(request), response, input }), STORE_TIMEOUT_MS)
    } catch (err) {
      request.log.warn({ err, response: response.id }, 'the response could not be stored')
    }
  }

  app.post('/responses', {
    schema: {
      hide,
      tags: ['responses'],
      summary: 'Create a model response (JSON, or server-sent events with stream: true); stored for previous_response_id unless store: false',
      body: ResponsesRequestSchema,
      response: { 200: ResponseSchema, ...errorResponses(400, 401, 402, 403, 404, 429, 500, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const body = request.body as ResponsesRequest
    const previousId = body.previous_response_id
    let history: ResponseItem[] = []
    if (typeof previousId === 'string') {
      const previous = await read(previousId, teamOf(request))
      if (previous === undefined) {
        throw new NotFoundError(`Previous response with id '${previousId}' not found.`, { param: 'previous_response_id', code: 'previous_response_not_found' })
      }
      history = [...previous.input, ...previous.response.output]
    }
    const chat = toChatRequest(body, history)
    const input = [...history, ...inputItems(body).map(withId)]
    const id = newId('resp')
    const keep = body.store !== false
    if (body.stream !== true) {
      const response = fromChatCompletion(id, body, await chatCompletion(request, reply, chat))
      if (keep) await save(request, response, input)
      return response
    }
    const stream = await chatStream(request, reply, chat)
    const events = new ResponseEvents(id, body)
    let finished = false
    const encode = {
      batch: (chunks: Parameters<ResponseEvents['batch']>[0]) => encodeEvents(events.batch(chunks)),
      end: () => { finished = true; return encodeEvents(events.finish()) },
      error: (error: Parameters<ResponseEvents['fail']>[0]) => encodeEvents(events.fail(error))
    }
    async function * sse (): AsyncGenerator<string> {
      yield encodeEvents(events.start())
      for await (const text of frontEvents(request, reply, stream, encode)) if (text !== '') yield text
      if (!finished) return
      if (keep) await save(request, events.response, input)
      yield encodeEvents([events.completed()])
    }
    return await sendEventStream(reply, sse())
  })

  app.get('/responses/:id', {
    schema: { hide, tags: ['responses'], summary: 'A stored response', params: ResponseIdParams, response: { 200: ResponseSchema, ...errorResponses(401, 404, 503) } }
  }, async (request: FastifyRequest<{ Params: { id: string } }>) => (await found(request)).response)

  app.delete('/responses/:id', {
    schema: { hide, tags: ['responses'], summary: 'Delete a stored response', params: ResponseIdParams, response: { 200: DeletedResponseSchema, ...errorResponses(401, 404, 503) } }
  }, async (request: FastifyRequest<{ Params: { id: string } }>) => {
    await found(request)
    await guard(store.delete(request.params.id, teamOf(request)))
    return { id: request.params.id, object: 'response', deleted: true }
  })

  app.get('/responses/:id/input_items', {
    schema: {
      hide,
      tags: ['responses'],
      summary: 'The input items of a stored response (the conversation before its output), newest first unless order=asc',
      params: ResponseIdParams,
      querystring: InputItemsQuery,
      response: { 200: InputItemsListSchema, ...errorResponses(400, 401, 404, 503) }
    }
  }, async (request: FastifyRequest<{ Params: { id: string }, Querystring: { order?: 'asc' | 'desc', limit?: string, after?: string } }>, _reply: FastifyReply) => {
    const { input } = await found(request)
    const { order = 'desc', limit = '20', after } = request.query
    let items = order === 'asc' ? input : [...input].reverse()
    if (after !== undefined) items = items.slice(items.findIndex((item) => item.id === after) + 1)
    const page = items.slice(0, Number(limit))
    return { object: 'list', data: page, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: items.length > page.length }
  })
}

/** Stored input items read back as OpenAI's do: with an id (input_items pages by it) and message text as parts. */
function withId (item: ResponseItem): ResponseItem {
  const type = item.type ?? 'message'
  const content = type === 'message' && typeof item.content === 'string'
    ? { content: [{ type: item.role === 'assistant' ? 'output_text' : 'input_text', text: item.content }] }
    : {}
  return { ...item, type, id: item.id ?? newId(ID_PREFIX[type] ?? 'item'), ...content }
}
