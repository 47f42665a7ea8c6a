// Chat chunk batches → Responses stream events, one instance per stream. Every delta belongs to an output item
// that was announced first (openai-node's ResponseStream throws "missing output at index N" otherwise); text and
// reasoning get a content part before their deltas; the id is the same `resp_` id throughout.
import type { GatewayError } from '../../errors/gateway-error.js'
import type { ChatCompletionChunk, ToolCall, Usage } from '../../schemas/openai-types.js'
import { outputText, responseShell, settle, toResponseUsage } from './response-object.js'
import { newId, type ResponseItem, type ResponseObject, type ResponsesRequest } from './types.js'

export interface ResponseEvent { type: string, sequence_number: number, [field: string]: unknown }

type Open = { kind: 'message' | 'reasoning', index: number, item: ResponseItem, text: string }
type Call = { index: number, item: ResponseItem }

const clone = <T>(value: T): T => structuredClone(value)

export class ResponseEvents {
  readonly response: ResponseObject
  private seq = 0
  private text: Open | undefined
  private readonly calls = new Map<number, Call>()
  private finishReason: string | null | undefined
  private usage: Usage | undefined

  constructor (id: string, request: ResponsesRequest) {
    this.response = responseShell(id, request)
  }

  private event (type: string, fields: Record<string, unknown>): ResponseEvent {
    return { type, sequence_number: this.seq++, ...fields }
  }

  start (): ResponseEvent[] {
    return [this.event('response.created', { response: clone(this.response) }), this.event('response.in_progress', { response: clone(this.response) })]
  }

  batch (chunks: readonly ChatCompletionChunk[]): ResponseEvent[] {
    const out: ResponseEvent[] = []
    for (const chunk of chunks) {
      if (chunk.usage !== undefined && chunk.usage !== null) this.usage = chunk.usage
      const choice = chunk.choices.find((c) => c.index === 0)
      if (choice === undefined) continue
      const { reasoning_content: reasoning, content, tool_calls: calls } = choice.delta
      if (typeof reasoning === 'string' && reasoning !== '') this.appendText('reasoning', reasoning, out)
      if (typeof content === 'string' && content !== '') this.appendText('message', content, out)
      for (const call of calls ?? []) this.appendCall(call, out)
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) this.finishReason = choice.finish_reason
    }
    return out
  }

  /** Closes every open item and settles the response; `completed()` is sent after (once the response is stored). */
  finish (): ResponseEvent[] {
    const out: ResponseEvent[] = []
    if (this.response.output.length === 0) this.open('message', out)
    this.closeAll(out)
    this.response.usage = toResponseUsage(this.usage)
    settle(this.response, this.finishReason)
    return out
  }

  completed (): ResponseEvent {
    const type = this.response.status === 'incomplete' ? 'response.incomplete' : 'response.completed'
    return this.event(type, { response: clone(this.response) })
  }

  /** A failure after the start: the response so far, failed, with the error's code and message. */
  fail (error: GatewayError): ResponseEvent[] {
    this.response.status = 'failed'
    this.response.error = { code: error.code ?? 'server_error', message: error.message }
    this.response.usage = toResponseUsage(this.usage)
    return [this.event('response.failed', { response: clone(this.response) })]
  }

  private appendText (kind: Open['kind'], delta: string, out: ResponseEvent[]): void {
    if (this.text?.kind !== kind) {
      this.closeAll(out)
      this.open(kind, out)
    }
    const open = this.text as Open
    open.text += delta
    const part = (open.item.content as Array<{ text?: string }>)[0] as { text: string }
    part.text = open.text
    out.push(this.event(`response.${kind === 'message' ? 'output_text' : 'reasoning_text'}.delta`, {
      item_id: open.item.id, output_index: open.index, content_index: 0, delta, ...(kind === 'message' ? { logprobs: [] } : {})
    }))
  }

  private open (kind: Open['kind'], out: ResponseEvent[]): void {
    const item: ResponseItem = kind === 'message'
      ? { type: 'message', id: newId('msg'), status: 'in_progress', role: 'assistant', content: [] }
      : { type: 'reasoning', id: newId('rs'), summary: [], content: [] }
    const index = this.response.output.push(item) - 1
    out.push(this.event('response.output_item.added', { output_index: index, item: clone(item) }))
    const part = kind === 'message' ? outputText('') : { type: 'reasoning_text', text: '' }
    item.content = [part]
    out.push(this.event('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: clone(part) }))
    this.text = { kind, index, item, text: '' }
  }

  private appendCall (call: ToolCall, out: ResponseEvent[]): void {
    const key = call.index ?? 0
    let open = this.calls.get(key)
    if (open === undefined) {
      if (this.text !== undefined) this.closeAll(out)
      const item: ResponseItem = { type: 'function_call', id: newId('fc'), call_id: call.id ?? newId('call'), name: call.function?.name ?? '', arguments: '', status: 'in_progress' }
      open = { index: this.response.output.push(item) - 1, item }
      this.calls.set(key, open)
      out.push(this.event('response.output_item.added', { output_index: open.index, item: clone(item) }))
    }
    const args = call.function?.arguments
    const delta = typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args)
    if (delta === '') return
    open.item.arguments = (open.item.arguments ?? '') + delta
    out.push(this.event('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.index, delta }))
  }

  private closeAll (out: ResponseEvent[]): void {
    const open = this.text
    if (open !== undefined) {
      const { item, index, text } = open
      const part = (item.content as unknown[])[0]
      const kind = open.kind === 'message' ? 'output_text' : 'reasoning_text'
      out.push(this.event(`response.${kind}.done`, { item_id: item.id, output_index: index, content_index: 0, text, ...(open.kind === 'message' ? { logprobs: [] } : {}) }))
      out.push(this.event('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part: clone(part) }))
      item.status = 'completed'
      out.push(this.event('response.output_item.done', { output_index: index, item: clone(item) }))
      this.text = undefined
    }
    for (const { item, index } of this.calls.values()) {
      out.push(this.event('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: item.name, arguments: item.arguments }))
      item.status = 'completed'
      out.push(this.event('response.output_item.done', { output_index: index, item: clone(item) }))
    }
    this.calls.clear()
  }
}

/** Responses framing: every event named by its type (`event:` line), no `[DONE]`. */
export const encodeEvents = (events: readonly ResponseEvent[]): string =>
  events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('')
