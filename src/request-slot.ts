// A value kept per request on the request object itself. A WeakMap keyed by requests does the same job, but
// its table lives in the old generation and is rebuilt as requests come and go; a dropped table is only
// freed at the next mark-compact, and until then scavenges treat what it points to as alive, so requests
// outlive their answers and get promoted. A property goes when its request goes.
import type { FastifyRequest } from 'fastify'

export class RequestSlot<T> {
  private readonly key: symbol

  constructor (name: string) {
    this.key = Symbol(name)
  }

  get (request: FastifyRequest): T | undefined {
    return (request as unknown as Record<symbol, T | undefined>)[this.key]
  }

  set (request: FastifyRequest, value: T): void {
    (request as unknown as Record<symbol, T | undefined>)[this.key] = value
  }
}
