// The parts of a response object shared by the whole answer and the stream: the echo of the request, the status
// a finish reason means, the usage, and the output items themselves.
import type { ToolCall, Usage } from '../../schemas/openai-types.js'
import { newId, type ResponseItem, type ResponseObject, type ResponsesRequest, type ResponseUsage } from './types.js'

/** A response in progress, echoing the request's settings as OpenAI does. */
export function responseShell (id: string, request: ResponsesRequest): ResponseObject {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    model: request.model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: null },
    store: request.store !== false,
    temperature: request.temperature ?? null,
    text: request.text ?? { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage: null
  }
}

/** Sets status (and why it is incomplete) from the chat finish reason. */
export function settle (response: ResponseObject, finishReason: string | null | undefined): void {
  if (finishReason === 'length') {
    response.status = 'incomplete'
    response.incomplete_details = { reason: 'max_output_tokens' }
  } else if (finishReason === 'content_filter') {
    response.status = 'incomplete'
    response.incomplete_details = { reason: 'content_filter' }
  } else response.status = 'completed'
}

export function toResponseUsage (usage: Usage | null | undefined): ResponseUsage | null {
  if (usage === undefined || usage === null) return null
  const promptDetails = usage['prompt_tokens_details'] as { cached_tokens?: number } | null | undefined
  const completionDetails = usage['completion_tokens_details'] as { reasoning_tokens?: number } | null | undefined
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: promptDetails?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: completionDetails?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens
  }
}

/** Reasoning as OpenAI's open-weight models report it: the whole text as `reasoning_text` content, no summary. */
export const reasoningItem = (text: string, id = newId('rs')): ResponseItem =>
  ({ type: 'reasoning', id, summary: [], content: [{ type: 'reasoning_text', text }], status: 'completed' })

export const outputText = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] })

export const messageItem = (text: string, id = newId('msg'), status = 'completed'): ResponseItem =>
  ({ type: 'message', id, status, role: 'assistant', content: [outputText(text)] })

export function functionCallItem (call: ToolCall, id = newId('fc')): ResponseItem {
  const args = call.function?.arguments
  return {
    type: 'function_call',
    id,
    call_id: call.id ?? newId('call'),
    name: call.function?.name ?? '',
    arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    status: 'completed'
  }
}
