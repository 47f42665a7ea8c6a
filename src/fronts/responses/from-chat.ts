// A whole chat completion → the response object: reasoning first, then the text, then each tool call, as OpenAI
// orders a turn's output items. `output` is always present: openai-node computes output_text from it.
import type { ChatCompletion } from '../../schemas/openai-types.js'
import { functionCallItem, messageItem, reasoningItem, responseShell, settle, toResponseUsage } from './response-object.js'
import type { ResponseItem, ResponseObject, ResponsesRequest } from './types.js'

export function fromChatCompletion (id: string, request: ResponsesRequest, completion: ChatCompletion): ResponseObject {
  const response = responseShell(id, request)
  const choice = completion.choices[0]
  const message = choice?.message
  const output: ResponseItem[] = []
  const reasoning = message?.reasoning_content
  if (typeof reasoning === 'string' && reasoning !== '') output.push(reasoningItem(reasoning))
  const text = typeof message?.content === 'string' ? message.content : ''
  const calls = message?.tool_calls ?? []
  // A turn with neither text nor calls still answers with an (empty) message, as OpenAI does.
  if (text !== '' || calls.length === 0) output.push(messageItem(text))
  for (const call of calls) output.push(functionCallItem(call))
  response.output = output
  response.usage = toResponseUsage(completion.usage)
  settle(response, choice?.finish_reason)
  return response
}
