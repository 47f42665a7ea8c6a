// Chunks → one chat.completion, for a non-streaming client served by a streaming upstream
// (ModelScope thinking models refuse `stream: false`, providers.md §2.2).
import type { ChatCompletion, ChatCompletionChunk, ChatChoice, ToolCall, Usage } from '../schemas/openai-types.js'
import type { StreamIdentity } from './chat-stream.js'

type AggregateChoice = ChatChoice & { message: { content: string, reasoning_content?: string, tool_calls?: ToolCall[] } }

export async function aggregateChunks (source: AsyncIterable<ChatCompletionChunk[]>, identity: StreamIdentity): Promise<ChatCompletion> {
  const choices = new Map<number, AggregateChoice>()
  let usage: Usage | undefined
  for await (const batch of source) {
    for (const chunk of batch) {
      if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage
      addChoices(choices, chunk)
    }
  }
  const completion: ChatCompletion = {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [...choices.values()].sort((a, b) => a.index - b.index)
  }
  if (usage !== undefined) completion.usage = usage
  return completion
}

function addChoices (choices: Map<number, AggregateChoice>, chunk: ChatCompletionChunk): void {
  for (const { index, delta, finish_reason: finish } of chunk.choices) {
    let choice = choices.get(index)
    if (choice === undefined) {
      choice = { index, message: { role: 'assistant', content: '' }, finish_reason: null }
      choices.set(index, choice)
    }
    const message = choice.message
    if (typeof delta.content === 'string') message.content += delta.content
    if (typeof delta.reasoning_content === 'string') message.reasoning_content = (message.reasoning_content ?? '') + delta.reasoning_content
    for (const call of delta.tool_calls ?? []) mergeToolCall(message.tool_calls ??= [], call)
    if (finish !== undefined && finish !== null) choice.finish_reason = finish
  }
}

function mergeToolCall (calls: ToolCall[], delta: ToolCall): void {
  const index = delta.index ?? calls.length
  const existing = calls[index]
  const args = typeof delta.function?.arguments === 'string' ? delta.function.arguments : ''
  if (existing === undefined) {
    calls[index] = { ...(delta.id !== undefined ? { id: delta.id } : {}), type: delta.type ?? 'function', function: { name: delta.function?.name ?? '', arguments: args } }
    return
  }
  if (delta.id !== undefined) existing.id = delta.id
  const fn = existing.function ??= { name: '', arguments: '' }
  if (delta.function?.name !== undefined) fn.name = delta.function.name
  fn.arguments = `${typeof fn.arguments === 'string' ? fn.arguments : ''}${args}`
}
