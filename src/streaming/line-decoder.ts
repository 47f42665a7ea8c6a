/**
 * Byte stream -> text lines.
 *
 * Upstream providers stream SSE (DeepSeek, Zhipu, ModelScope) or NDJSON (Ollama)
 * over HTTP, and TCP chunk boundaries fall anywhere: inside a line, between the
 * CR and LF of a CRLF, or inside a multi-byte UTF-8 character. This decoder
 * turns arbitrary chunks into complete lines (terminators LF, CR, CRLF removed)
 * so the SSE/NDJSON parsers above it never see a partial line.
 *
 * Lines are emitted as soon as their terminator arrives: a CR at the very end of
 * a chunk ends the line immediately, and a LF at the start of the next chunk is
 * then swallowed so CRLF split across chunks still counts as one line break.
 */

const LF = 0x0a

export class LineDecoder {
  readonly #decoder = new TextDecoder('utf-8')
  /** Text after the last terminator seen so far (contains no CR/LF). */
  #pending = ''
  /** The previous text ended with CR: a leading LF in the next text belongs to it. */
  #skipLeadingLF = false

  decode (chunk: Uint8Array): string[] {
    return this.#push(this.#decoder.decode(chunk, { stream: true }))
  }

  /** Ends the stream: returns the trailing unterminated line, if non-empty, and resets. */
  flush (): string[] {
    // Incomplete trailing UTF-8 bytes come out as U+FFFD here.
    const lines = this.#push(this.#decoder.decode())
    if (this.#pending.length > 0) lines.push(this.#pending)
    this.#pending = ''
    this.#skipLeadingLF = false
    return lines
  }

  #push (text: string): string[] {
    const lines: string[] = []
    if (text.length === 0) return lines // keeps #skipLeadingLF across empty decodes

    let start = 0
    if (this.#skipLeadingLF) {
      this.#skipLeadingLF = false
      if (text.charCodeAt(0) === LF) start = 1
    }

    const len = text.length
    // Only the new text is scanned: #pending never contains a terminator.
    let lf = text.indexOf('\n', start)
    let cr = text.indexOf('\r', start)
    while (lf !== -1 || cr !== -1) {
      let end: number
      let next: number
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr
        if (cr + 1 < len) {
          next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1
        } else {
          next = len
          this.#skipLeadingLF = true
        }
      } else {
        end = lf
        next = lf + 1
      }

      if (this.#pending.length > 0) {
        lines.push(this.#pending + text.slice(start, end))
        this.#pending = ''
      } else {
        lines.push(text.slice(start, end))
      }

      start = next
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start)
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start)
    }

    if (start < len) this.#pending += start === 0 ? text : text.slice(start)
    return lines
  }
}
