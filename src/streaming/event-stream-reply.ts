// Sends server-sent events straight to the socket. Fastify's stream path would wrap the events in a
// Readable (`Readable.from`) and pipe it: an object-mode stream with its own buffering per open stream and
// a hop through it per write. Here each string is one `write`, and a full socket is waited on ('drain').
import type { ServerResponse } from 'node:http'
import type { FastifyReply } from 'fastify'

export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }

/**
 * Answers with `events` (200, SSE headers, the headers already set on the reply). The reply is hijacked: no
 * onSend hook runs for it (the one that applies to a stream, the shutdown's `connection: close`, is applied
 * here), and onResponse still runs when the response finishes. A client that leaves stops the iteration,
 * which releases the upstream. Returns the reply, as a hijacked handler does. `events` ends a failed stream
 * with its own error event; should it throw anyway, the connection is closed rather than the stream left
 * looking complete.
 */
export async function sendEventStream (reply: FastifyReply, events: AsyncIterable<string>): Promise<FastifyReply> {
  const res = reply.raw
  reply.hijack()
  const headers: Record<string, string | number | string[]> = { ...reply.getHeaders() as Record<string, string | number | string[]>, ...SSE_HEADERS }
  if (reply.server.lifecycle.shuttingDown) headers['connection'] = 'close'
  res.writeHead(reply.statusCode, headers)
  try {
    for await (const text of events) {
      if (res.destroyed) break
      if (text !== '' && !res.write(text)) await drained(res)
    }
  } catch (err) {
    reply.log.error({ err }, 'event stream failed')
    res.destroy()
    return reply
  }
  if (!res.destroyed) res.end()
  return reply
}

function drained (res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}
