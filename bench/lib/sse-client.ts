// A small SSE load client: what autocannon cannot see. For each streamed answer it records the time to
// the first complete event, to the last byte, the gaps between events (0 when several arrive together),
// whether the stream ended with `data: [DONE]`, and how many streams were open at once. node:http emits one
// 'data' per HTTP chunk of a chunked answer, i.e. per write of the sender: more than one event per read
// means the sender wrote several events at once (batching), whatever TCP did with them.
import { Agent, request } from 'node:http'

export interface StreamLoadOptions {
  url: string
  path: string
  body: string
  concurrency: number
  seconds: number
  /** Keep every gap between events (memory grows with events; off for many streams). */
  keepGaps?: boolean
}

export interface StreamLoadResult {
  /** ms from sending the request to the first complete SSE event. */
  firstEvent: number[]
  /** ms from sending the request to the end of the answer. */
  lastByte: number[]
  gaps: number[]
  events: number
  /** Body 'data' callbacks: HTTP chunks, one per write of the sender. */
  reads: number
  ok: number
  non2xx: number
  /** Socket errors and timeouts. */
  errors: number
  /** 2xx answers that did not end with [DONE] or carried an error event. */
  incomplete: number
  maxOpen: number
  seconds: number
}

export async function streamLoad (o: StreamLoadOptions): Promise<StreamLoadResult> {
  const target = new URL(o.url)
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency })
  const body = Buffer.from(o.body)
  const r: StreamLoadResult = { firstEvent: [], lastByte: [], gaps: [], events: 0, reads: 0, ok: 0, non2xx: 0, errors: 0, incomplete: 0, maxOpen: 0, seconds: 0 }
  let open = 0
  const one = async (): Promise<void> => await new Promise<void>((resolve) => {
    const t0 = performance.now()
    open++
    r.maxOpen = Math.max(r.maxOpen, open)
    let settled = false
    // A broken stream can report both a response and a request error: count it once.
    const finish = (error = false): void => {
      if (settled) return
      settled = true
      if (error) r.errors++
      open--
      resolve()
    }
    const req = request({
      agent,
      host: target.hostname,
      port: target.port,
      path: o.path,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length, accept: 'text/event-stream' }
    }, (res) => {
      const status = res.statusCode ?? 0
      let tail = ''
      let events = 0
      let lastEventAt = 0
      let done = false
      let failed = false
      res.on('data', (chunk: Buffer) => {
        const now = performance.now()
        r.reads++
        const parts = (tail + chunk.toString('latin1')).split('\n\n')
        tail = parts.pop() ?? ''
        for (const event of parts) {
          if (event === '' || event.startsWith(':')) continue
          if (events === 0) r.firstEvent.push(now - t0)
          else if (o.keepGaps === true) r.gaps.push(now - lastEventAt)
          events++
          lastEventAt = now
          if (event.startsWith('data: [DONE]')) done = true
          else if (event.startsWith('data: {"error"')) failed = true
        }
      })
      res.once('end', () => {
        if (settled) return
        r.events += events
        if (status < 200 || status >= 300) r.non2xx++
        else if (!done || failed) r.incomplete++
        else {
          r.ok++
          r.lastByte.push(performance.now() - t0)
        }
        finish()
      })
      res.once('error', () => { finish(true) })
    })
    req.setTimeout(30_000, () => { req.destroy(new Error('timeout')) })
    req.once('error', () => { finish(true) })
    req.end(body)
  })
  const started = performance.now()
  const end = started + o.seconds * 1000
  const loop = async (): Promise<void> => { while (performance.now() < end) await one() }
  await Promise.all(Array.from({ length: o.concurrency }, loop))
  r.seconds = (performance.now() - started) / 1000
  agent.destroy()
  return r
}
