// One autocannon run: every 2xx response time kept with its fraction (autocannon's own histogram keeps
// whole milliseconds), non-2xx answers and socket errors/timeouts counted separately.
import autocannon from 'autocannon'

export interface CannonOptions {
  url: string
  path: string
  method?: 'GET' | 'POST'
  /** A fixed body, or a generator called for every request (fresh texts that must never repeat). */
  body?: string | (() => string)
  headers?: Record<string, string>
  connections: number
  seconds: number
  /** Sees every response's headers (autocannon then reads bodies too: a little more load-generator CPU). */
  onHeaders?: (headers: Record<string, string | string[] | undefined>) => void
}

export interface CannonResult {
  latencies: number[]
  /** 2xx responses per second. */
  rps: number
  ok: number
  non2xx: number
  /** Socket errors and timeouts. */
  errors: number
  /** Requests sent, including those in flight when the run stopped. */
  sent: number
  seconds: number
}

export async function cannon (o: CannonOptions): Promise<CannonResult> {
  const latencies: number[] = []
  const headers = { 'content-type': 'application/json', ...o.headers }
  const body = o.body
  const dynamic = typeof body === 'function' || o.onHeaders !== undefined
  const request: autocannon.Request = { method: o.method ?? 'POST', path: o.path, headers }
  if (typeof body === 'function') request.setupRequest = (req) => { req.body = body(); return req }
  else if (body !== undefined) request.body = body
  const onHeaders = o.onHeaders
  if (onHeaders !== undefined) request.onResponse = (_status, _body, _context, h) => { onHeaders(h ?? {}) }
  return await new Promise((resolve, reject) => {
    const instance = autocannon({
      // A fixed request is encoded once by autocannon; a generated one goes through `requests`.
      url: dynamic ? o.url : o.url + o.path,
      connections: o.connections,
      duration: o.seconds,
      // autocannon checks whether the run is over once per sample interval (1 s by default: a 0.25 s run would last 1 s).
      sampleInt: 100,
      pipelining: 1,
      timeout: 10,
      ...(dynamic ? { requests: [request] } : { method: request.method ?? 'POST', headers, ...(typeof body === 'string' ? { body } : {}) })
    }, (err: unknown, result: autocannon.Result) => {
      if (err !== null && err !== undefined) return reject(err instanceof Error ? err : new Error(String(err)))
      resolve({
        latencies,
        rps: latencies.length / result.duration,
        ok: latencies.length,
        non2xx: result.non2xx,
        errors: result.errors,
        sent: result.requests.sent,
        seconds: result.duration
      })
    })
    instance.on('response', (_client, status, _bytes, ms) => { if (status >= 200 && status < 300) latencies.push(ms) })
  })
}
