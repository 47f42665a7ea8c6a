// Chat chunk batches → Anthropic's stream events, one stream's state: message_start and ping first, then one
// content block at a time (thinking, text, tool_use) with rising indexes, then message_delta and message_stop.
// Every frame names its event, as the SDKs skip frames without one.
import { randomUUID } from 'node:crypto'
import type { GatewayError } from '../../errors/gateway-error.js'
import type { ChatCompletionChunk, ToolCall, Usage } from '../../schemas/openai-types.js'
import { anthropicError } from './errors.js'
import { messageId } from './from-chat.js'
import { type Stop, stopOf, usageOf } from './stop-reason.js'

export const frame = (type: string, payload: Record<string, unknown>): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`

interface OpenBlock { kind: 'text' | 'thinking' | 'tool_use', index: number }

export class AnthropicStreamEncoder {
  private started = false
  private block: OpenBlock | undefined
  private nextIndex = 0
  /** OpenAI tool call index → its tool_use block index. */
  private readonly toolBlocks = new Map<number, number>()
  private stop: Stop | undefined
  private usage: Usage | undefined

  constructor (private readonly options: { model: string, stopSequences?: readonly string[] | undefined }) {}

  batch (chunks: ChatCompletionChunk[]): string {
    let out = this.start(chunks[0]?.id)
    for (const chunk of chunks) {
      if (chunk.usage !== undefined && chunk.usage !== null) this.usage = chunk.usage
      const choice = chunk.choices.find((c) => c.index === 0)
      if (choice === undefined) continue
      const { delta } = choice
      if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
        out += this.open('thinking', { type: 'thinking', thinking: '', signature: '' })
        out += this.delta({ type: 'thinking_delta', thinking: delta.reasoning_content })
      }
      if (typeof delta.content === 'string' && delta.content !== '') {
        out += this.open('text', { type: 'text', text: '' })
        out += this.delta({ type: 'text_delta', text: delta.content })
      }
      for (const call of delta.tool_calls ?? []) out += this.toolCall(call)
      if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
        this.stop = stopOf(choice.finish_reason, choice['stop_reason'], this.options.stopSequences)
      }
    }
    return out
  }

  end (): string {
    // input_tokens rides here too: the backend reports it only at the end, after message_start has gone out.
    return this.start() + this.close() +
      frame('message_delta', { delta: this.stop ?? { stop_reason: 'end_turn', stop_sequence: null }, usage: usageOf(this.usage) }) +
      frame('message_stop', {})
  }

  error (error: GatewayError): string {
    const { type, ...body } = anthropicError(error)
    return frame(type, body)
  }

  /** The chat stream's id names the message too, so the two can be matched in logs. */
  private start (chatId: string = randomUUID()): string {
    if (this.started) return ''
    this.started = true
    const message = {
      id: messageId(chatId),
      type: 'message',
      role: 'assistant',
      model: this.options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 }
    }
    return frame('message_start', { message }) + frame('ping', {})
  }

  private toolCall (call: ToolCall): string {
    const key = call.index ?? 0
    let out = ''
    if (call.id !== undefined && !this.toolBlocks.has(key)) {
      out += this.close()
      this.toolBlocks.set(key, this.nextIndex)
      out += this.openAt('tool_use', { type: 'tool_use', id: call.id, name: call.function?.name ?? '', input: {} })
    }
    const args = call.function?.arguments
    const partial = typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args)
    const index = this.toolBlocks.get(key)
    if (partial !== '' && index !== undefined) out += frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: partial } })
    return out
  }

  /** Opens a block of `kind` unless one is open already. */
  private open (kind: OpenBlock['kind'], contentBlock: Record<string, unknown>): string {
    if (this.block?.kind === kind) return ''
    return this.close() + this.openAt(kind, contentBlock)
  }

  private openAt (kind: OpenBlock['kind'], contentBlock: Record<string, unknown>): string {
    this.block = { kind, index: this.nextIndex++ }
    return frame('content_block_start', { index: this.block.index, content_block: contentBlock })
  }

  private delta (delta: Record<string, unknown>): string {
    return frame('content_block_delta', { index: this.block?.index ?? 0, delta })
  }

  private close (): string {
    if (this.block === undefined) return ''
    const { index } = this.block
    this.block = undefined
    return frame('content_block_stop', { index })
  }
}
