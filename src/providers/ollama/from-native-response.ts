// Ollama native answers → OpenAI shapes (providers.md §1.3, §1.4, §7 #2 #7 #8 #9): tool-call
// arguments are objects, calls may lack ids, `done_reason` stays "stop" when tools were called.
import { randomUUID } from 'node:crypto'
import { UpstreamError } from '../../errors/gateway-error.js'
import type { ChatCompletion, ChatCompletionChunk, ChunkDelta, ToolCall, Usage } from '../../schemas/openai-types.js'

export interface NativeChatLine {
  model?: string
  created_at?: string
  message?: { role?: string, content?: string, thinking?: string, tool_calls?: NativeToolCall[] }
  done?: boolean
  done_reason?: string
  prompt_eval_count?: number
  eval_count?: number
  error?: unknown
}

interface NativeToolCall { id?: string, function?: { index?: number, name?: string, arguments?: unknown } }

/** Per-stream state: tool-call numbering continues across lines. */
export class NativeChatTranslator {
  private toolCalls = 0

  constructor (private readonly providerId: string) {}

  chunk (line: NativeChatLine): ChatCompletionChunk {
    if (line.error !== undefined) throw new UpstreamError(`${this.providerId}: ${typeof line.error === 'string' ? line.error : JSON.stringify(line.error)}`, { code: 'upstream_stream_error' })
    const delta: ChunkDelta = {}
    const message = line.message ?? {}
    if (message.thinking !== undefined && message.thinking !== '') delta.reasoning_content = message.thinking
    if (message.content !== undefined && message.content !== '') delta.content = message.content
    if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) delta.tool_calls = message.tool_calls.map((call) => this.toolCall(call))
    const chunk: ChatCompletionChunk = { choices: [{ index: 0, delta, finish_reason: line.done === true ? this.finishReason(line) : null }] }
    if (line.done === true) chunk.usage = usageOf(line)
    return chunk
  }

  completion (line: NativeChatLine, id: string, model: string): ChatCompletion {
    const { choices } = this.chunk({ ...line, done: true })
    const delta = choices[0]?.delta ?? {}
    const message = { role: 'assistant', content: delta.content ?? '', ...(delta.reasoning_content !== undefined ? { reasoning_content: delta.reasoning_content } : {}), ...(delta.tool_calls !== undefined ? { tool_calls: delta.tool_calls } : {}) }
    return {
      id,
      object: 'chat.completion',
      created: createdOf(line.created_at),
      model,
      choices: [{ index: 0, message, finish_reason: choices[0]?.finish_reason ?? 'stop' }],
      usage: usageOf(line)
    }
  }

  private toolCall (call: NativeToolCall): ToolCall {
    const index = this.toolCalls++
    const args = call.function?.arguments
    return {
      index,
      id: call.id ?? `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      type: 'function',
      function: { name: call.function?.name ?? '', arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) }
    }
  }

  private finishReason (line: NativeChatLine): string {
    if (this.toolCalls > 0) return 'tool_calls'
    return line.done_reason === 'length' ? 'length' : 'stop'
  }
}

function usageOf (line: NativeChatLine): Usage {
  const prompt = line.prompt_eval_count ?? 0
  const completion = line.eval_count ?? 0
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

function createdOf (createdAt: string | undefined): number {
  const ms = createdAt === undefined ? Number.NaN : Date.parse(createdAt)
  return Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000)
}
