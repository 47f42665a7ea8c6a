/**
 * Bytes -> JSON values, for newline-delimited JSON streams (Ollama's native
 * /api/chat and /api/generate streaming). Blank lines are skipped; a
 * malformed line is a protocol error, reported with a bounded excerpt so a
 * huge garbage line cannot flood the logs.
 */
import { LineDecoder } from './line-decoder.js'

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

/**
 * One batch of values per source buffer that completes any line, as soon as it is read. The values
 * before a malformed line still come out, then the error.
 */
export async function * decodeNdjson (source: AsyncIterable<Uint8Array>): AsyncGenerator<unknown[]> {
  const lines = new LineDecoder()
  for await (const bytes of source) yield * parseAll(lines.decode(bytes))
  yield * parseAll(lines.flush())
}

function * parseAll (lines: string[]): Generator<unknown[]> {
  const values: unknown[] = []
  for (const line of lines) {
    if (BLANK.test(line)) continue
    try {
      values.push(JSON.parse(line))
    } catch (cause) {
      if (values.length > 0) yield values
      throw new NdjsonParseError(line, { cause })
    }
  }
  if (values.length > 0) yield values
}
