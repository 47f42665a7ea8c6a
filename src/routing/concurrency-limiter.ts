// A bounded number of requests in flight per provider, with a bounded queue behind it; past the queue
// the gateway is overloaded and says so (503 with retry-after) instead of piling up work.
import { GatewayOverloadedError } from '../errors/gateway-error.js'
import type { Cancellation } from './cancel-signal.js'

export type Release = () => void

export class ConcurrencyLimiter {
  private active = 0
  private readonly waiting: Array<{ grant: (release: Release) => void, fail: (err: unknown) => void }> = []

  constructor (readonly name: string, private readonly maxActive: number, private readonly maxQueue: number) {}

  get inFlight (): number { return this.active }
  get queued (): number { return this.waiting.length }

  /** A slot at once when one is free (no promise on the common path), else a place in the queue. */
  acquire (signal: Cancellation): Release | Promise<Release> {
    if (this.active < this.maxActive) {
      this.active++
      return this.releaser()
    }
    return this.enqueue(signal)
  }

  private async enqueue (signal: Cancellation): Promise<Release> {
    if (this.waiting.length >= this.maxQueue) {
      throw new GatewayOverloadedError(`${this.name} has ${this.active} requests in flight and ${this.waiting.length} queued; try again shortly`)
    }
    return await new Promise<Release>((resolve, reject) => {
      const entry = { grant: resolve, fail: reject }
      this.waiting.push(entry)
      signal.addEventListener('abort', () => {
        const index = this.waiting.indexOf(entry)
        if (index >= 0) this.waiting.splice(index, 1)
        reject(signal.reason)
      }, { once: true })
    })
  }

  private releaser (): Release {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next !== undefined) next.grant(this.releaser())
      else this.active--
    }
  }
}
