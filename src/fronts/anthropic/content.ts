// Anthropic content blocks → OpenAI chat messages: a user turn's tool_result blocks become tool messages (OpenAI
// wants them right after the assistant's tool calls), an assistant turn's tool_use blocks become tool_calls.
import { InvalidRequestError } from '../../errors/gateway-error.js'
import type { ChatMessage, ContentPart, ToolCall } from '../../schemas/openai-types.js'
import type { AnthropicMessageParam, RequestBlock } from './types.js'

function unsupported (block: RequestBlock, param: string): InvalidRequestError {
  return new InvalidRequestError(`Content blocks of type '${block.type}' are not supported (${param})`, { param, code: 'unsupported_content' })
}

function imagePart (block: RequestBlock, param: string): ContentPart {
  const source = block.source
  if (source?.type === 'base64' && typeof source.data === 'string') {
    return { type: 'image_url', image_url: { url: `data:${source.media_type ?? 'image/png'};base64,${source.data}` } }
  }
  if (source?.type === 'url' && typeof source.url === 'string') return { type: 'image_url', image_url: { url: source.url } }
  throw new InvalidRequestError(`Image source of type '${source?.type ?? 'none'}' is not supported; send base64 or url (${param})`, { param, code: 'unsupported_content' })
}

/** One part or a plain string: a lone text part stays a string, which every backend takes. */
function contentOf (parts: ContentPart[]): string | ContentPart[] {
  const only = parts[0]
  return parts.length === 1 && only?.type === 'text' ? only.text ?? '' : parts
}

/**
 * A tool's answer: its text for the tool message (OpenAI tool messages carry a string), and its images, which
 * go into the user message that follows (Claude Code's Read tool answers an image file that way).
 */
function toolResult (block: RequestBlock, param: string): { text: string, images: ContentPart[] } {
  const content = block.content
  if (content === undefined || typeof content === 'string') return { text: content ?? '', images: [] }
  const texts: string[] = []
  const images: ContentPart[] = []
  content.forEach((inner, k) => {
    if (inner.type === 'text') texts.push(inner.text ?? '')
    else if (inner.type === 'image') images.push(imagePart(inner, `${param}.content[${k}]`))
    else throw unsupported(inner, `${param}.content[${k}]`)
  })
  return { text: texts.join('\n'), images }
}

function userMessages (blocks: RequestBlock[], param: string): ChatMessage[] {
  const tools: ChatMessage[] = []
  const parts: ContentPart[] = []
  blocks.forEach((block, j) => {
    const at = `${param}[${j}]`
    if (block.type === 'text') parts.push({ type: 'text', text: block.text ?? '' })
    else if (block.type === 'image') parts.push(imagePart(block, at))
    else if (block.type === 'tool_result') {
      const { text, images } = toolResult(block, at)
      tools.push({ role: 'tool', tool_call_id: block.tool_use_id ?? '', content: text })
      parts.push(...images)
    } else throw unsupported(block, at)
  })
  return parts.length > 0 ? [...tools, { role: 'user', content: contentOf(parts) }] : tools
}

function assistantMessage (blocks: RequestBlock[], param: string): ChatMessage {
  let text = ''
  let reasoning = ''
  const calls: ToolCall[] = []
  blocks.forEach((block, j) => {
    if (block.type === 'text') text += block.text ?? ''
    else if (block.type === 'thinking') reasoning += block.thinking ?? ''
    else if (block.type === 'tool_use') {
      calls.push({ id: block.id ?? '', type: 'function', function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) } })
    } else if (block.type !== 'redacted_thinking') throw unsupported(block, `${param}[${j}]`)
  })
  const message: ChatMessage = { role: 'assistant', content: calls.length > 0 && text === '' ? null : text }
  // Kept for backends that need a tool turn's reasoning replayed (DeepSeek in thinking mode).
  if (reasoning !== '') message.reasoning_content = reasoning
  if (calls.length > 0) message.tool_calls = calls
  return message
}

export function toChatMessages (messages: AnthropicMessageParam[]): ChatMessage[] {
  return messages.flatMap((message, i) => {
    const param = `messages[${i}].content`
    if (typeof message.content === 'string') return [{ role: message.role, content: message.content }]
    return message.role === 'assistant' ? [assistantMessage(message.content, param)] : userMessages(message.content, param)
  })
}

/** The system prompt as one system message; Claude Code sends several text blocks. */
export function systemMessage (system: string | RequestBlock[] | undefined): ChatMessage[] {
  if (system === undefined) return []
  if (typeof system === 'string') return system === '' ? [] : [{ role: 'system', content: system }]
  const text = system.map((block, j) => {
    if (block.type === 'text') return block.text ?? ''
    throw unsupported(block, `system[${j}]`)
  }).join('\n\n')
  return text === '' ? [] : [{ role: 'system', content: text }]
}
