// Most events of an OpenAI-shaped stream are one piece of text for choice 0 and nothing else to rewrite but
// the chunk's id, created and model. Such an event is recognised from its text, without JSON.parse, and
// printed back from that text, without JSON.stringify: parsing and printing every event was a fifth of the
// CPU a stream cost. Anything else (roles, finish reasons, tool calls, usage, other fields or field orders)
// takes the general path; both print the same bytes for the same chunk.
import type { ChatCompletionChunk } from '../schemas/openai-types.js'

/** The chunk's text after its `model` field; valid while nothing but id, object, created and model changes. */
const TAIL = Symbol('tail after model')

type PlainChunk = ChatCompletionChunk & { [TAIL]?: string }

/** A JSON string with no character JSON.stringify would print otherwise: no escapes, no control characters. */
const STRING = '"[^"\\\\\\x00-\\x1f]*"'
/** A JSON string as a server may print it, escapes included. */
const ESCAPED = '"(?:[^"\\\\\\x00-\\x1f]|\\\\["\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4})*"'
const PLAIN = new RegExp(
  `^\\{"id":(${STRING}),"object":"chat\\.completion\\.chunk","created":(\\d{1,15}),"model":(${STRING})` +
  `((?:,"system_fingerprint":(${STRING}|null))?,"choices":\\[\\{"index":0,"delta":\\{` +
  `(?:"(content|reasoning_content)":(${ESCAPED})|"content":null,"reasoning_content":(${ESCAPED})|"content":(${ESCAPED}),"reasoning_content":null)` +
  '\\},"logprobs":null,"finish_reason":null\\}\\])(?:,"usage":null)?\\}$'
)

/** A literal's value, if JSON.stringify prints that value as the same literal (else the bytes would change). */
function valueOf (literal: string): string | undefined {
  if (!literal.includes('\\')) return literal.slice(1, -1)
  const value = JSON.parse(literal) as string
  return JSON.stringify(value) === literal ? value : undefined
}

/** The chunk an event's data holds, when it is a plain text chunk (else undefined: parse it in full). */
export function plainChunk (data: string): ChatCompletionChunk | undefined {
  const m = PLAIN.exec(data)
  if (m === null) return undefined
  const [, id, created, model, body, fingerprint, field, single, reasoningOnly, contentOnly] = m as unknown as Array<string | undefined>
  const literal = single ?? reasoningOnly ?? contentOnly
  const text = literal === undefined ? undefined : valueOf(literal)
  if (text === undefined || body === undefined) return undefined
  // Object literals of fixed shapes, keys in the upstream's order (printing one in full gives the same text):
  // spreads and computed keys would cost more here than the JSON.parse this replaces.
  const delta = single === undefined
    ? reasoningOnly !== undefined ? { content: null, reasoning_content: text } : { content: text, reasoning_content: null }
    : field === 'content' ? { content: text } : { reasoning_content: text }
  const choices = [{ index: 0, delta, logprobs: null, finish_reason: null }]
  const chunkId = (id as string).slice(1, -1)
  const chunkModel = (model as string).slice(1, -1)
  const chunk: PlainChunk = fingerprint === undefined
    ? { id: chunkId, object: 'chat.completion.chunk', created: Number(created), model: chunkModel, choices }
    : { id: chunkId, object: 'chat.completion.chunk', created: Number(created), model: chunkModel, system_fingerprint: fingerprint === 'null' ? null : fingerprint.slice(1, -1), choices }
  chunk[TAIL] = `${body}}`
  return chunk
}

/** The chunk has changed beyond its identity: it is printed in full from now on. */
export function chunkChanged (chunk: ChatCompletionChunk): void {
  delete (chunk as PlainChunk)[TAIL]
}

/** The last identity printed: every chunk of a stream has the same, so its JSON is made once per stream. */
let last = { id: '', created: 0, model: '', json: '' }

/** A plain chunk's JSON from its text, or undefined for any other value. */
export function plainChunkJson (payload: unknown): string | undefined {
  const tail = (payload as PlainChunk | null)?.[TAIL]
  if (tail === undefined) return undefined
  const { id, created, model } = payload as { id: string, created: number, model: string }
  if (id !== last.id || created !== last.created || model !== last.model) {
    last = { id, created, model, json: `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${JSON.stringify(created)},"model":${JSON.stringify(model)}` }
  }
  return last.json + tail
}
