// One keep-alive undici Pool per provider origin. Every response body is either consumed or destroyed,
// and the caller's AbortSignal cancels the request, so a vanished client frees the socket at once.
import type { Dispatcher } from 'undici'
import { asAbortSignal, type Cancellation } from '../routing/cancel-signal.js'
import { KeyRing } from './key-ring.js'
import { Pool, request } from './undici-core.js'
import { ERROR_BODY_LIMIT, WholeAnswerHandler, type WholeAnswer } from './whole-answer.js'

export interface UpstreamClientOptions {
  baseUrl: string
  /** Sent as `Authorization: Bearer …`, in turn; never logged. */
  apiKeys?: string[]
  connections?: number
  connectTimeoutMs?: number
  /** Time allowed until response headers arrive. */
  headersTimeoutMs?: number
  /** Idle time allowed between body chunks. */
  bodyTimeoutMs?: number
  keepAliveTimeoutMs?: number
}

export interface UpstreamRequest {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
  signal?: Cancellation
  headers?: Record<string, string>
}

export type UpstreamResponse = Dispatcher.ResponseData

const ACCEPT = 'application/json, text/event-stream, application/x-ndjson'

export class UpstreamClient {
  readonly origin: string
  readonly basePath: string
  private readonly pool: Dispatcher

  constructor (options: UpstreamClientOptions) {
    const url = new URL(options.baseUrl)
    this.origin = url.origin
    this.basePath = url.pathname.replace(/\/+$/, '')
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 256,
      pipelining: 1,
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      headersTimeout: options.headersTimeoutMs ?? 300_000,
      bodyTimeout: options.bodyTimeoutMs ?? 300_000,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000
    })
    this.keys = new KeyRing(options.apiKeys ?? [])
  }

  readonly keys: KeyRing

  /** `apiKey` picks the key (from `keys.take()`); without one the request is sent unauthenticated. */
  async request (upstream: UpstreamRequest & { apiKey?: string | undefined }): Promise<UpstreamResponse> {
    return await request(this.pool, this.options(upstream))
  }

  /** The same request, its answer read whole (see whole-answer.ts). */
  async requestWhole (upstream: UpstreamRequest & { apiKey?: string | undefined }): Promise<WholeAnswer> {
    const options = this.options(upstream)
    return await new Promise((resolve, reject) => {
      this.pool.dispatch(options, new WholeAnswerHandler(options.signal, resolve, reject))
    })
  }

  private options ({ method, path, body, signal, headers, apiKey }: UpstreamRequest & { apiKey?: string | undefined }): Dispatcher.RequestOptions & { signal: AbortSignal | null } {
    // Built by assignment, not by spreads (see asSent in providers/upstream-call.ts).
    const all: Record<string, string> = { 'content-type': 'application/json', accept: ACCEPT }
    if (apiKey !== undefined) all['authorization'] = `Bearer ${apiKey}`
    if (headers !== undefined) Object.assign(all, headers)
    return {
      method,
      path: this.basePath + path,
      headers: all,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal === undefined ? null : asAbortSignal(signal)
    }
  }

  async close (): Promise<void> {
    await this.pool.close()
  }
}

/** Reads at most `limit` bytes of an (error) body as text and discards the rest. */
export async function readCappedText (body: UpstreamResponse['body'], limit = ERROR_BODY_LIMIT): Promise<string> {
  const parts: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer
      if (size < limit) parts.push(buf.subarray(0, limit - size))
      size += buf.length
      if (size >= limit) break
    }
  } finally {
    body.destroy()
  }
  return Buffer.concat(parts).toString('utf8')
}
