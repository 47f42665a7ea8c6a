// A whole chat completion → Anthropic's `message` object: reasoning first as a thinking block, then the text,
// then each tool call as a tool_use block with its arguments parsed.
import type { ChatCompletion, ToolCall } from '../../schemas/openai-types.js'
import { stopOf, usageOf } from './stop-reason.js'
import type { AnthropicMessage, ContentBlock } from './types.js'

/** Anthropic ids look like msg_…/toolu_…; the chat id's unique part is kept so logs can be matched. */
export const messageId = (chatId: string): string => `msg_${chatId.replace(/^chatcmpl-/, '')}`

export function toolInput (args: NonNullable<ToolCall['function']>['arguments']): unknown {
  if (typeof args !== 'string') return args ?? {}
  if (args.trim() === '') return {}
  try {
    return JSON.parse(args) as unknown
  } catch {
    // Broken JSON from the model is passed on as-is rather than dropped; the client's tool check reports it.
    return args
  }
}

export function toMessage (completion: ChatCompletion, stopSequences: readonly string[] | undefined): AnthropicMessage {
  const choice = completion.choices[0]
  const message = choice?.message
  const content: ContentBlock[] = []
  const reasoning = message?.reasoning_content
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'thinking', thinking: reasoning, signature: '' })
  const body = message?.content
  const text = typeof body === 'string' ? body : (body ?? []).map((part) => part.text ?? '').join('')
  if (text !== '') content.push({ type: 'text', text })
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id ?? '', name: call.function?.name ?? '', input: toolInput(call.function?.arguments) })
  }
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    ...stopOf(choice?.finish_reason, choice?.['stop_reason'], stopSequences),
    usage: usageOf(completion.usage)
  }
}
