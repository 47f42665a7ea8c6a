// Anthropic Messages request → the chat request the shared core serves. Only fields with a meaning on the
// OpenAI side are carried; Anthropic-only switches (top_k, service_tier, cache_control…) have no backend to go to.
import { InvalidRequestError } from '../../errors/gateway-error.js'
import type { ChatCompletionRequest } from '../../schemas/openai-types.js'
import { systemMessage, toChatMessages } from './content.js'
import type { AnthropicTool, AnthropicToolChoice, MessagesRequest } from './types.js'

/**
 * `thinking` becomes `reasoning_effort`, the one reasoning switch every adapter translates to its backend's own:
 * DeepSeek `reasoning_effort` (and `thinking: {type: "disabled"}` for none), Zhipu `thinking: {type}`, Ollama
 * `think`. Anthropic sizes thinking by a token budget (at least 1,024) or, for adaptive thinking, by
 * `output_config.effort`, which already speaks OpenAI's levels.
 */
export function reasoningEffort (body: Pick<MessagesRequest, 'thinking' | 'output_config'>): string | undefined {
  const effort = body.output_config?.effort
  if (body.thinking?.type === 'disabled') return 'none'
  if (typeof effort === 'string') return effort
  if (body.thinking?.type !== 'enabled') return undefined
  const budget = body.thinking.budget_tokens ?? 0
  return budget < 4096 ? 'low' : budget < 16384 ? 'medium' : 'high'
}

function toTool (tool: AnthropicTool, i: number): Record<string, unknown> {
  if (tool.type !== undefined && tool.type !== 'custom') {
    throw new InvalidRequestError(`Tools of type '${tool.type}' are not supported; only custom tools with an input_schema are (tools[${i}])`, { param: `tools[${i}]`, code: 'unsupported_tool' })
  }
  const fn: Record<string, unknown> = { name: tool.name, parameters: tool.input_schema ?? { type: 'object', properties: {} } }
  if (tool.description !== undefined) fn['description'] = tool.description
  return { type: 'function', function: fn }
}

function toToolChoice (choice: AnthropicToolChoice): unknown {
  switch (choice.type) {
    case 'any': return 'required'
    case 'tool': return { type: 'function', function: { name: choice.name ?? '' } }
    default: return choice.type
  }
}

export function toChatRequest (body: MessagesRequest): ChatCompletionRequest {
  const chat: ChatCompletionRequest = {
    model: body.model,
    messages: [...systemMessage(body.system), ...toChatMessages(body.messages)],
    max_tokens: body.max_tokens
  }
  if (body.temperature !== undefined) chat['temperature'] = body.temperature
  if (body.top_p !== undefined) chat['top_p'] = body.top_p
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) chat['stop'] = body.stop_sequences
  if (body.tools !== undefined && body.tools.length > 0) chat['tools'] = body.tools.map(toTool)
  if (body.tool_choice !== undefined) {
    chat['tool_choice'] = toToolChoice(body.tool_choice)
    if (body.tool_choice.disable_parallel_tool_use === true) chat['parallel_tool_calls'] = false
  }
  const effort = reasoningEffort(body)
  if (effort !== undefined) chat['reasoning_effort'] = effort
  const format = body.output_config?.format
  if (format?.type === 'json_schema') chat['response_format'] = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } }
  const user = body.metadata?.user_id
  if (typeof user === 'string' && user !== '') chat['user'] = user
  if (body.stream === true) {
    chat.stream = true
    // message_delta carries the output tokens, so the backend's usage is always asked for.
    chat.stream_options = { include_usage: true }
  }
  return chat
}
