/**
 * Text lines -> Server-Sent Events.
 *
 * Parses upstream SSE streams (DeepSeek, Zhipu, ModelScope) with the same field
 * rules as the openai-node SDK decoder, so the gateway accepts exactly what the
 * official client would: `:` comments (e.g. DeepSeek's `: keep-alive`) are
 * ignored, one optional space after the colon is stripped, `data` lines are
 * joined with `\n`, and a blank line dispatches the event. Input lines come
 * from LineDecoder and carry no terminators; decodeSse runs a byte stream
 * through both.
 */
import { LineDecoder } from './line-decoder.js'

export interface SseEvent {
  event: string | null;
  data: string;
}

export class SseDecoder {
  #event: string | null = null
  /** The data lines so far, joined with `\n`; null until the event has one. */
  #data: string | null = null

  /** Feeds one line; returns an event when the line is blank and one is pending. */
  decode (line: string): SseEvent | null {
    if (line.length === 0) return this.#dispatch()

    const colon = line.indexOf(':')
    if (colon === 0) return null // comment

    let field: string
    let value: string
    if (colon === -1) {
      field = line
      value = ''
    } else {
      field = line.slice(0, colon)
      const valueStart = line.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1
      value = line.slice(valueStart)
    }

    if (field === 'data') this.#data = this.#data === null ? value : `${this.#data}\n${value}`
    else if (field === 'event') this.#event = value
    // id, retry and unknown fields are ignored.
    return null
  }

  /** End of input: returns the pending event (no trailing blank line), if any. */
  flush (): SseEvent | null {
    return this.#dispatch()
  }

  #dispatch (): SseEvent | null {
    if (this.#event === null && this.#data === null) return null
    const event: SseEvent = { event: this.#event, data: this.#data ?? '' }
    this.#event = null
    this.#data = null
    return event
  }
}

/**
 * Bytes -> events, one batch per source buffer: every event completed by a buffer comes out as soon as
 * that buffer is read (none is held back for the next), and buffers that complete none yield nothing.
 */
export async function * decodeSse (source: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent[]> {
  const lines = new LineDecoder()
  const sse = new SseDecoder()
  for await (const bytes of source) {
    const events = dispatchAll(sse, lines.decode(bytes))
    if (events.length > 0) yield events
  }
  const events = dispatchAll(sse, lines.flush())
  const last = sse.flush()
  if (last !== null) events.push(last)
  if (events.length > 0) yield events
}

function dispatchAll (sse: SseDecoder, lines: string[]): SseEvent[] {
  const events: SseEvent[] = []
  for (const line of lines) {
    const event = sse.decode(line)
    if (event !== null) events.push(event)
  }
  return events
}
