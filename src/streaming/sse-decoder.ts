/**
 * Text lines -> Server-Sent Events.
 *
 * Parses upstream SSE streams (DeepSeek, Zhipu, ModelScope) with the same field
 * rules as the openai-node SDK decoder, so the gateway accepts exactly what the
 * official client would: `:` comments (e.g. DeepSeek's `: keep-alive`) are
 * ignored, one optional space after the colon is stripped, `data` lines are
 * joined with `\n`, and a blank line dispatches the event. Input lines come
 * from LineDecoder and carry no terminators.
 */

export interface SseEvent {
  event: string | null;
  data: string;
}

export class SseDecoder {
  #event: string | null = null
  #data: string[] = []

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

    if (field === 'data') this.#data.push(value)
    else if (field === 'event') this.#event = value
    // id, retry and unknown fields are ignored.
    return null
  }

  /** End of input: returns the pending event (no trailing blank line), if any. */
  flush (): SseEvent | null {
    return this.#dispatch()
  }

  #dispatch (): SseEvent | null {
    if (this.#event === null && this.#data.length === 0) return null
    const event: SseEvent = { event: this.#event, data: this.#data.join('\n') }
    this.#event = null
    this.#data = []
    return event
  }
}

export async function * decodeSse (lines: AsyncIterable<string>): AsyncGenerator<SseEvent> {
  const decoder = new SseDecoder()
  for await (const line of lines) {
    const event = decoder.decode(line)
    if (event !== null) yield event
  }
  const last = decoder.flush()
  if (last !== null) yield last
}
