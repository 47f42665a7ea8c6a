// Responses input items → chat messages. A function_call joins the assistant turn it belongs to (parallel calls
// share one message), its output becomes a `tool` message, and a reasoning item's text rides on the next
// assistant message as reasoning_content (DeepSeek refuses a replayed tool turn without it).
import { InvalidRequestError } from '../../errors/gateway-error.js'
import type { ChatMessage, ContentPart as ChatPart } from '../../schemas/openai-types.js'
import type { ContentPart, ResponseItem } from './types.js'

const ROLES = new Set(['user', 'system', 'developer', 'assistant'])

export function itemsToMessages (items: readonly ResponseItem[], param = 'input'): ChatMessage[] {
  const messages: ChatMessage[] = []
  let reasoning: string | undefined
  // The assistant message a function call joins: the turn's own, until a tool result or another message ends it.
  let turn: ChatMessage | undefined
  const assistant = (): ChatMessage => {
    if (turn === undefined) {
      turn = { role: 'assistant', content: null }
      messages.push(turn)
    }
    if (reasoning !== undefined) turn.reasoning_content = (turn.reasoning_content ?? '') + reasoning
    reasoning = undefined
    return turn
  }
  items.forEach((item, i) => {
    const at = `${param}[${i}]`
    const type = item.type ?? 'message'
    if (type === 'message') {
      const role = item.role ?? ''
      if (!ROLES.has(role)) throw new InvalidRequestError(`Unknown role '${role}' in ${at}`, { param: `${at}.role` })
      if (role === 'assistant') {
        turn = undefined
        assistant().content = assistantText(item.content, at)
      } else {
        turn = undefined
        messages.push({ role, content: userContent(item.content, at) })
      }
    } else if (type === 'function_call') {
      if (typeof item.call_id !== 'string' || typeof item.name !== 'string') {
        throw new InvalidRequestError(`A function_call item needs call_id and name (${at})`, { param: at })
      }
      const message = assistant()
      message.tool_calls = [...(message.tool_calls ?? []), { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments ?? '' } }]
    } else if (type === 'function_call_output') {
      if (typeof item.call_id !== 'string') throw new InvalidRequestError(`A function_call_output item needs call_id (${at})`, { param: at })
      turn = undefined
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: typeof item.output === 'string' ? item.output : textOf(item.output ?? [], at) })
    } else if (type === 'reasoning') {
      const text = reasoningText(item)
      if (text !== '') reasoning = (reasoning === undefined ? '' : reasoning + '\n') + text
    } else {
      throw new InvalidRequestError(`Input items of type '${type}' are not supported; qiao takes message, function_call, function_call_output and reasoning items`, { param: `${at}.type`, code: 'unsupported_parameter' })
    }
  })
  return messages
}

/** The reasoning text: the full `reasoning_text` content when present (what qiao returns), else the summaries. */
function reasoningText (item: ResponseItem): string {
  const content = Array.isArray(item.content) ? item.content.filter((p) => p.type === 'reasoning_text') : []
  const parts = content.length > 0 ? content : (item.summary ?? [])
  return parts.map((p) => p.text ?? '').join('\n')
}

function assistantText (content: ResponseItem['content'], at: string): string {
  if (typeof content === 'string') return content
  return textOf(content ?? [], at)
}

/** Text parts joined (output_text, input_text, refusal); images have no place in an assistant or tool turn. */
function textOf (parts: readonly ContentPart[], at: string): string {
  return parts.map((part, j) => {
    if (part.type === 'refusal') return part.refusal ?? ''
    if (typeof part.text === 'string') return part.text
    throw new InvalidRequestError(`Content of type '${part.type}' is not supported here (${at}.content[${j}])`, { param: `${at}.content[${j}]`, code: 'unsupported_parameter' })
  }).join('')
}

/** One text part stays a plain string (every backend takes that); images become chat image_url parts. */
function userContent (content: ResponseItem['content'], at: string): string | ChatPart[] {
  if (typeof content === 'string') return content
  const parts = (content ?? []).map((part, j): ChatPart => {
    const where = `${at}.content[${j}]`
    if (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') return { type: 'text', text: part.text ?? '' }
    if (part.type === 'input_image') {
      if (typeof part.image_url !== 'string') {
        throw new InvalidRequestError(`Images are taken as image_url (a URL or data URL); file_id needs OpenAI's Files API (${where})`, { param: where, code: 'unsupported_parameter' })
      }
      return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail !== undefined ? { detail: part.detail } : {}) } }
    }
    throw new InvalidRequestError(`Content of type '${part.type}' is not supported (${where})`, { param: where, code: 'unsupported_parameter' })
  })
  const only = parts[0]
  return parts.length === 1 && only?.type === 'text' ? only.text ?? '' : parts
}
