/**
 * Text lines -> JSON values, for newline-delimited JSON streams (Ollama's
 * native /api/chat and /api/generate streaming). Blank lines are skipped; a
 * malformed line is a protocol error, reported with a bounded excerpt so a
 * huge garbage line cannot flood the logs.
 */

const MAX_EXCERPT = 200

export class NdjsonParseError extends Error {
  /** At most the first 200 characters of the offending line. */
  readonly excerpt: string

  constructor (line: string, options?: { cause?: unknown }) {
    const excerpt = line.slice(0, MAX_EXCERPT)
    super(`Invalid NDJSON line: ${excerpt}`, options)
    this.name = 'NdjsonParseError'
    this.excerpt = excerpt
  }
}

const BLANK = /^\s*$/

export async function * decodeNdjson (lines: AsyncIterable<string>): AsyncGenerator<unknown> {
  for await (const line of lines) {
    if (BLANK.test(line)) continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (cause) {
      throw new NdjsonParseError(line, { cause })
    }
    yield value
  }
}
