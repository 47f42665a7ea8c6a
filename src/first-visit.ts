// Pages most instances never serve (the docs UI, the console) are answered by a private Fastify instance
// built on their first visit, so that the packages behind them (@fastify/static, swagger-ui) are not loaded
// at start. The app's own routes forward each request to it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { builtOnce } from './built-once.js'

/** What static files are served by: conditional and partial requests. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range']
/** Hop-by-hop or computed again by this app's reply. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'content-length'])

export interface FirstVisit {
  serve: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>
  close: () => Promise<void>
}

/** Builds the instance once, on the first request (again after a failed build), and forwards requests to it. */
export function builtOnFirstVisit (build: () => Promise<FastifyInstance>): FirstVisit {
  const instance = builtOnce(build)
  return {
    async serve (request, reply) {
      const headers: Record<string, string | string[]> = {}
      for (const name of FORWARDED_REQUEST_HEADERS) {
        const value = request.headers[name]
        if (value !== undefined) headers[name] = value
      }
      // Always a GET: this app's own HEAD route then answers with the same headers and no body.
      const res = await (await instance.get()).inject({ method: 'GET', url: request.url, headers })
      if (res.statusCode === 404) {
        reply.callNotFound()
        return reply
      }
      reply.code(res.statusCode)
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) reply.header(name, value)
      }
      return await reply.send(res.rawPayload.length > 0 ? res.rawPayload : undefined)
    },
    async close () {
      await (await instance.ifBuilt())?.close()
    }
  }
}
