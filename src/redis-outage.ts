// Redis is never required to serve: callers fall back (fail open, stale data) and log an outage once.
import type { FastifyBaseLogger } from 'fastify'

export class OutageLog {
  private down = false
  constructor (private readonly log: FastifyBaseLogger, private readonly what: string) {}

  failed (err: unknown): void {
    if (this.down) return
    this.down = true
    this.log.warn({ err: err instanceof Error ? err.message : String(err) }, `${this.what}: redis unavailable`)
  }

  ok (): void {
    if (!this.down) return
    this.down = false
    this.log.info(`${this.what}: redis reachable again`)
  }
}

/** Rejects after `ms`: a Redis that hangs must not hold a request longer than a Redis that is down. */
export async function withTimeout<T> (promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`redis did not answer within ${ms} ms`)) }, ms)
    timer.unref()
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
