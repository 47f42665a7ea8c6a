// POST /v1/completions (also /completions and /beta/completions, the path editor plugins configured for DeepSeek
// append): legacy text completions with fill in the middle, through the router and the resilient caller like
// chat; JSON, or OpenAI's `text_completion` server-sent events with usage only when the client asked for it.
import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { InvalidRequestError } from '../errors/gateway-error.js'
import { estimatePromptTokens } from '../limits/estimate.js'
import type { TextCompletion, TextCompletionRequest } from '../providers/types.js'
import { guardStream } from '../routing/guard-stream.js'
import type { RouteTarget } from '../routing/model-router.js'
import { CompletionRequestSchema, CompletionResponseSchema, type CompletionRequest } from '../schemas/completions.js'
import { errorResponses } from '../schemas/error.js'
import { sendEventStream } from '../streaming/event-stream-reply.js'
import { primeStream } from '../streaming/prime-stream.js'
import { callContext, markAttempt, markServedBy } from './call-context.js'
import { openaiEvents } from './chat-completions.js'
import { frontEvents } from './chat-core.js'

type CapableAdapter = RouteTarget['adapter'] & Required<Pick<RouteTarget['adapter'], 'completion' | 'completionStream'>>

export const completionsRoutes: FastifyPluginAsync<{ hide?: boolean }> = async (app, { hide = false }) => {
  app.post('/completions', {
    schema: {
      hide,
      tags: ['completions'],
      summary: 'Create a text completion, with `suffix` for fill in the middle (JSON, or server-sent events with stream: true)',
      description: 'Served by DeepSeek\'s FIM beta (`{origin}/beta/completions`), Ollama\'s `/api/generate` and `type: openai` providers\' ' +
        '`/completions`; Zhipu and ModelScope answer 400.',
      body: CompletionRequestSchema,
      response: { 200: CompletionResponseSchema, ...errorResponses(400, 401, 402, 404, 429, 500, 502, 503, 504) }
    }
  }, async (request, reply) => {
    const body = request.body as CompletionRequest & TextCompletionRequest
    request.qiao.model = body.model
    const targets = withCompletions(await app.modelRouter.resolve(body.model), body.model)
    const ctx = callContext(request, reply)
    const prompt = () => estimatePromptTokens({ prompt: body.prompt + (body.suffix ?? '') })
    const identity = { id: `cmpl-${randomUUID()}`, object: 'text_completion', created: Math.floor(Date.now() / 1000), model: body.model }
    if (body.stream !== true) {
      const served = await app.resilientCaller.call(targets, ctx.signal, async (target, signal) => {
        markAttempt(request, target, prompt)
        return await (target.adapter as CapableAdapter).completion({ ...body, model: target.upstreamModel }, { ...ctx, signal })
      })
      markServedBy(request, reply, served.target, served.attempts)
      if (served.value.usage !== undefined && served.value.usage !== null) request.qiao.usage = served.value.usage
      return { ...served.value, ...identity }
    }
    const progress = { completionChunks: 0 }
    const served = await app.resilientCaller.call(targets, ctx.signal, async (target, signal) => {
      markAttempt(request, target, prompt, progress)
      const stream = await (target.adapter as CapableAdapter).completionStream({ ...body, model: target.upstreamModel }, { ...ctx, signal })
      return { chunks: await primeStream(stream.chunks) }
    }, (stream, hold) => ({ chunks: guardStream(stream.chunks, hold) }))
    markServedBy(request, reply, served.target, served.attempts)
    const rewrite = { ...identity, includeUsage: body.stream_options?.include_usage === true, progress }
    const stream = { batches: clientChunks(served.value.chunks, request, rewrite), cancelledByClient: ctx.cancelledByClient }
    return await sendEventStream(reply, frontEvents(request, reply, stream, openaiEvents(request)))
  })
}

/** The targets with text completions; none is the caller's mistake, named with the backend that lacks them. */
function withCompletions (targets: RouteTarget[], model: string): RouteTarget[] {
  const able = targets.filter((t) => t.adapter.completion !== undefined && t.adapter.completionStream !== undefined)
  if (able.length > 0) return able
  const kinds = [...new Set(targets.map((target) => target.adapter.type))].join(', ')
  throw new InvalidRequestError(`The model '${model}' cannot do text completions: ${kinds} has no text completions API; use /v1/chat/completions`, { param: 'model', code: 'model_not_supported' })
}

interface Rewrite { id: string, object: string, created: number, model: string, includeUsage: boolean, progress: { completionChunks: number } }

/** One id/created/model; usage recorded as it arrives and sent only as OpenAI does: its own `choices: []` chunk, when asked for. */
async function * clientChunks (source: AsyncIterable<TextCompletion[]>, request: FastifyRequest, r: Rewrite): AsyncGenerator<TextCompletion[]> {
  const identity = { id: r.id, object: r.object, created: r.created, model: r.model }
  let usage: TextCompletion['usage']
  for await (const batch of source) {
    const out: TextCompletion[] = []
    for (const { usage: chunkUsage, ...chunk } of batch) {
      if (chunkUsage !== undefined && chunkUsage !== null) request.qiao.usage = usage = chunkUsage
      if (chunk.choices.some((choice) => choice.text !== '')) r.progress.completionChunks++
      if (chunk.choices.length > 0) out.push({ ...chunk, ...identity })
    }
    if (out.length > 0) yield out
  }
  if (r.includeUsage && usage !== undefined && usage !== null) yield [{ ...identity, choices: [], usage }]
}
