// One attempt's cancellation: the caller's signal plus the provider's total time limit. A plain controller
// and timer, disposed when the attempt ends: AbortSignal.any/timeout cost far more on a hot path.
import { CancelSignal, type Cancellation } from './cancel-signal.js'

export class AttemptSignal {
  private readonly controller = new CancelSignal()
  private readonly timer: NodeJS.Timeout
  private expired = false
  private readonly forward = (): void => { this.controller.abort(this.parent.reason) }

  constructor (private readonly parent: Cancellation, totalMs: number) {
    if (parent.aborted) this.controller.abort(parent.reason)
    else parent.addEventListener('abort', this.forward, { once: true })
    this.timer = setTimeout(() => {
      this.expired = true
      this.controller.abort(new Error(`the total time of ${totalMs} ms is over`))
    }, totalMs)
    this.timer.unref()
  }

  get signal (): Cancellation {
    return this.controller
  }

  get timedOut (): boolean {
    return this.expired
  }

  dispose (): void {
    clearTimeout(this.timer)
    this.parent.removeEventListener('abort', this.forward)
  }
}
