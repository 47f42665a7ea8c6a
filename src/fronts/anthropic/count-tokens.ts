// count_tokens answers an estimate from the translated request: the gateway's usual characters / 4, plus the tool
// definitions and tool call arguments that the prompt estimate does not read. No backend has a tokenizer endpoint.
import { estimatePromptTokens } from '../../limits/estimate.js'
import type { ChatCompletionRequest } from '../../schemas/openai-types.js'

export function countTokens (chat: ChatCompletionRequest): number {
  const calls = chat.messages.flatMap((m) => m.tool_calls ?? []).map((c) => JSON.stringify(c.function ?? {}))
  const extra = (chat['tools'] === undefined ? 0 : JSON.stringify(chat['tools']).length) + calls.join('').length
  return estimatePromptTokens(chat) + Math.ceil(extra / 4)
}
