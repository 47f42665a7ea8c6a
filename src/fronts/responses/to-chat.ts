// A Responses request (plus the stored items of the response it continues) → the chat request the shared core
// runs. Per-backend switches stay in the adapters: `reasoning.effort` becomes chat's `reasoning_effort`, which
// DeepSeek and Zhipu turn into `thinking`, Ollama into `think`, and ModelScope receives as is.
import { InvalidRequestError } from '../../errors/gateway-error.js'
import type { ChatCompletionRequest, ChatMessage } from '../../schemas/openai-types.js'
import { itemsToMessages } from './items-to-messages.js'
import type { ResponseItem, ResponsesRequest, ResponsesTool } from './types.js'

/** Fields that exist with the same meaning in chat completions. */
const SAME_IN_CHAT = ['temperature', 'top_p', 'parallel_tool_calls', 'user'] as const

/** Fields whose whole point is a service qiao does not run; accepting them silently would mislead. */
const REFUSED = ['background', 'conversation', 'prompt'] as const

/** The request's own input as items: a string is one user message. */
export function inputItems (request: ResponsesRequest): ResponseItem[] {
  const input = request.input ?? []
  return typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input
}

export function toChatRequest (request: ResponsesRequest, history: readonly ResponseItem[] = []): ChatCompletionRequest {
  for (const field of REFUSED) {
    const value = request[field]
    if (value !== undefined && value !== null && value !== false) {
      throw new InvalidRequestError(`'${field}' is not supported by this gateway`, { param: field, code: 'unsupported_parameter' })
    }
  }
  const messages: ChatMessage[] = []
  if (typeof request.instructions === 'string' && request.instructions !== '') messages.push({ role: 'system', content: request.instructions })
  messages.push(...itemsToMessages(history, 'previous_response_id'), ...itemsToMessages(inputItems(request)))
  if (messages.length === 0) throw new InvalidRequestError('input is empty', { param: 'input' })

  const chat: ChatCompletionRequest = { model: request.model, messages }
  for (const field of SAME_IN_CHAT) if (request[field] !== undefined && request[field] !== null) chat[field] = request[field]
  if (typeof request.max_output_tokens === 'number') chat['max_tokens'] = request.max_output_tokens
  const effort = request.reasoning?.effort
  if (typeof effort === 'string') chat['reasoning_effort'] = effort
  const tools = (request.tools ?? []).map(toChatTool)
  if (tools.length > 0) chat['tools'] = tools
  if (request.tool_choice !== undefined && request.tool_choice !== null) chat['tool_choice'] = toChatToolChoice(request.tool_choice)
  const format = request.text?.format
  if (format !== undefined && format !== null && format.type !== 'text') chat['response_format'] = toResponseFormat(format)
  if (request.stream === true) {
    chat.stream = true
    // Usage must reach response.completed, so it is always asked for.
    chat.stream_options = { include_usage: true }
  }
  return chat
}

function toChatTool (tool: ResponsesTool, i: number): Record<string, unknown> {
  if (tool.type !== 'function') {
    throw new InvalidRequestError(`The built-in tool '${tool.type}' is not supported: the backends behind this gateway run function tools only`, { param: `tools[${i}].type`, code: 'unsupported_parameter' })
  }
  if (typeof tool.name !== 'string' || tool.name === '') throw new InvalidRequestError('A function tool needs a name', { param: `tools[${i}].name` })
  const fn: Record<string, unknown> = { name: tool.name }
  if (typeof tool.description === 'string') fn['description'] = tool.description
  if (tool.parameters !== undefined && tool.parameters !== null) fn['parameters'] = tool.parameters
  if (typeof tool.strict === 'boolean') fn['strict'] = tool.strict
  return { type: 'function', function: fn }
}

function toChatToolChoice (choice: NonNullable<ResponsesRequest['tool_choice']>): unknown {
  if (typeof choice === 'string') return choice
  if (choice.type === 'function' && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } }
  throw new InvalidRequestError(`tool_choice of type '${choice.type}' is not supported; use auto, none, required or a function`, { param: 'tool_choice', code: 'unsupported_parameter' })
}

/** text.format → response_format; a backend without JSON schema support refuses it with its own 400. */
function toResponseFormat (format: NonNullable<NonNullable<ResponsesRequest['text']>['format']>): Record<string, unknown> {
  if (format.type === 'json_object') return { type: 'json_object' }
  if (format.type === 'json_schema') {
    const { type: _type, ...schema } = format
    return { type: 'json_schema', json_schema: schema }
  }
  throw new InvalidRequestError(`text.format of type '${format.type}' is not supported`, { param: 'text.format.type', code: 'unsupported_parameter' })
}
