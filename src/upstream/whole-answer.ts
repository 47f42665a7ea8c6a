// An upstream answer read whole into memory, for the JSON answers (chat without stream, embeddings,
// errors): a plain dispatch handler, without the Readable stream and async-resource bookkeeping that
// undici's request() sets up for every call. Streams keep using request().
import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import { parseHeaders } from './undici-core.js'

export interface WholeAnswer {
  statusCode: number
  headers: IncomingHttpHeaders
  /** The body's bytes; a non-2xx body only up to the error limit. */
  readonly body: Buffer
  /** The body as text, decoded when first read. */
  readonly text: string
}

/**
 * A class, not an object literal with a getter: V8 keeps such a literal in dictionary mode with its accessor
 * in the old generation, and scavenges then kept each answer's bytes and text alive until the next mark-compact
 * (~1 KB promoted per chat request).
 */
class Answer implements WholeAnswer {
  #text: string | undefined

  constructor (readonly statusCode: number, readonly headers: IncomingHttpHeaders, readonly body: Buffer) {}

  get text (): string {
    return (this.#text ??= this.body.toString('utf8'))
  }
}

function answerOf (statusCode: number, headers: IncomingHttpHeaders, body: Buffer): WholeAnswer {
  return new Answer(statusCode, headers, body)
}

/** The connection failed after the response headers: the answer was cut off (`cause` says how). */
export class AnswerCutOffError extends Error {
  constructor (cause: unknown) {
    super('the connection broke before the answer was complete', { cause })
  }
}

/** Error bodies are for messages; a backend that sends megabytes of error is cut off here. */
export const ERROR_BODY_LIMIT = 64 * 1024

export class WholeAnswerHandler implements Dispatcher.DispatchHandler {
  private abort: ((err?: Error) => void) | undefined
  private statusCode = 0
  private headers: IncomingHttpHeaders = {}
  private readonly parts: Buffer[] = []
  private size = 0
  private started = false
  private truncated = false
  private reason: Error | undefined
  private readonly onAbort = (): void => {
    this.reason = abortReason(this.signal)
    this.abort?.(this.reason)
  }

  constructor (private readonly signal: AbortSignal | null, private readonly resolve: (answer: WholeAnswer) => void,
    private readonly reject: (err: unknown) => void) {
    if (signal?.aborted === true) this.reason = abortReason(signal)
    else signal?.addEventListener('abort', this.onAbort, { once: true })
  }

  onConnect (abort: (err?: Error) => void): void {
    if (this.reason !== undefined) abort(this.reason)
    else this.abort = abort
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true // 1xx: the answer is still to come
    this.statusCode = statusCode
    this.headers = parseHeaders(rawHeaders) as IncomingHttpHeaders
    this.started = true
    return true
  }

  onData (chunk: Buffer): boolean {
    const ok = this.statusCode >= 200 && this.statusCode < 300
    if (!ok && this.size + chunk.length > ERROR_BODY_LIMIT) {
      this.parts.push(chunk.subarray(0, ERROR_BODY_LIMIT - this.size))
      this.size = ERROR_BODY_LIMIT
      this.truncated = true
      this.abort?.(new Error('error body over the limit'))
      return false
    }
    this.parts.push(chunk)
    this.size += chunk.length
    return true
  }

  onComplete (): void {
    this.finish()
    this.resolve(answerOf(this.statusCode, this.headers, this.body()))
  }

  onError (err: Error): void {
    this.finish()
    if (this.truncated) this.resolve(answerOf(this.statusCode, this.headers, this.body()))
    else if (this.reason !== undefined) this.reject(this.reason)
    else this.reject(this.started ? new AnswerCutOffError(err) : err)
  }

  private body (): Buffer {
    return this.parts.length === 1 ? this.parts[0] as Buffer : Buffer.concat(this.parts, this.size)
  }

  private finish (): void {
    this.signal?.removeEventListener('abort', this.onAbort)
  }
}

function abortReason (signal: AbortSignal | null): Error {
  const reason: unknown = signal?.reason
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError')
}
