// Upstream chunks (already OpenAI-shaped) → the stream a client sees, identical for every backend:
// one id/created/model, `role` once per choice, `finish_reason` always present, tool calls announced
// (index, id, name) before their arguments, and usage only as OpenAI sends it: a final `choices: []`
// chunk when the client asked for it.
import type { ChatCompletionChunk, ChunkChoice, ToolCall, Usage } from '../schemas/openai-types.js'
import { chunkChanged } from './plain-chunk.js'

export interface StreamIdentity {
  id: string
  created: number
  model: string
}

export interface ClientStreamOptions extends StreamIdentity {
  includeUsage: boolean
  /** Called as soon as the backend reports usage, so that a client leaving after it still pays it. */
  onUsage?: (usage: Usage) => void
  /** Counts the chunks that carried generated text or tool arguments: the tokens sent, when usage never came. */
  progress?: { completionChunks: number }
}

/** Batch in, batch out: each upstream batch leaves as one client batch (a batch left empty is not yielded). */
export async function * toClientChunks (source: AsyncIterable<ChatCompletionChunk[]>, options: ClientStreamOptions): AsyncGenerator<ChatCompletionChunk[]> {
  const client = new ClientRewrite(options)
  for await (const batch of source) {
    const out = client.batch(batch)
    if (out.length > 0) yield out
  }
  const tail = client.end()
  if (tail.length > 0) yield tail
}

/** The per-stream state of the rewrite: which choices have had their role and their finish reason. */
class ClientRewrite {
  private readonly rolesSent = new Set<number>()
  private readonly finished = new Set<number>()
  private usage: Usage | undefined
  private sentAny = false

  constructor (private readonly options: ClientStreamOptions) {}

  /** Rewrites the chunks in place; usage-only chunks are held for the end, whole tool calls split in two. */
  batch (chunks: ChatCompletionChunk[]): ChatCompletionChunk[] {
    const { id, created, model } = this.options
    const out: ChatCompletionChunk[] = []
    for (const chunk of chunks) {
      if (chunk.usage !== undefined && chunk.usage !== null) {
        this.usage = chunk.usage
        this.options.onUsage?.(chunk.usage)
      }
      delete chunk.usage
      if (chunk.choices.length === 0) continue
      chunk.id = id
      chunk.object = 'chat.completion.chunk'
      chunk.created = created
      chunk.model = model
      for (const choice of chunk.choices) {
        choice.finish_reason ??= null
        if (choice.finish_reason !== null) this.finished.add(choice.index)
        if (this.options.progress !== undefined && carriesOutput(choice)) this.options.progress.completionChunks++
        if (this.rolesSent.has(choice.index)) delete choice.delta.role
        else {
          choice.delta.role = 'assistant'
          chunkChanged(chunk)
          this.rolesSent.add(choice.index)
        }
      }
      const announcement = splitWholeToolCalls(chunk)
      if (announcement !== undefined) out.push(announcement)
      out.push(chunk)
    }
    if (out.length > 0) this.sentAny = true
    return out
  }

  /** The chunks after the last upstream one: a stop for choices left open, then the usage chunk if asked for. */
  end (): ChatCompletionChunk[] {
    const { id, created, model } = this.options
    const { sentAny, rolesSent, finished, usage } = this
    const tail: ChatCompletionChunk[] = []
    // A backend that ended cleanly without a finish reason still ends the choice for the client.
    if (!sentAny || finished.size < rolesSent.size) {
      const open = sentAny ? [...rolesSent].filter((index) => !finished.has(index)) : [0]
      tail.push({ id, object: 'chat.completion.chunk', created, model, choices: open.map((index) => ({ index, delta: sentAny ? {} : { role: 'assistant', content: '' }, finish_reason: 'stop' })) })
    }
    if (usage !== undefined) {
      if (this.options.includeUsage) tail.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })
    }
    return tail
  }
}

function carriesOutput ({ delta }: ChunkChoice): boolean {
  return (delta.content ?? '') !== '' || (delta.reasoning_content ?? '') !== '' || (delta.tool_calls?.length ?? 0) > 0
}

/**
 * Zhipu and Ollama deliver a tool call whole. OpenAI first announces each call (index, id, type, name,
 * empty arguments) and streams the arguments after; clients that accumulate deltas expect that order.
 */
function splitWholeToolCalls (chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
  const heads: ChunkChoice[] = []
  for (const choice of chunk.choices) {
    const calls = choice.delta.tool_calls
    if (calls === undefined || !calls.some(isWholeCall)) continue
    heads.push({
      index: choice.index,
      delta: { ...(choice.delta.role !== undefined ? { role: choice.delta.role } : {}), tool_calls: calls.map(headOf) },
      finish_reason: null
    })
    delete choice.delta.role
    choice.delta.tool_calls = calls.map((call, i) => ({ index: call.index ?? i, function: { arguments: argumentsOf(call) } }))
  }
  if (heads.length === 0) return undefined
  return { ...chunk, choices: heads }
}

function isWholeCall (call: ToolCall): boolean {
  return call.id !== undefined && call.function?.name !== undefined && argumentsOf(call) !== ''
}

function argumentsOf (call: ToolCall): string {
  const args = call.function?.arguments
  return typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args)
}

function headOf (call: ToolCall, i: number): ToolCall {
  return { index: call.index ?? i, id: call.id as string, type: call.type ?? 'function', function: { name: call.function?.name ?? '', arguments: '' } }
}
