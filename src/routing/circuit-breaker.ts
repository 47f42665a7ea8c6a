// Per target: after `failures` consecutive failures the target is skipped for the cool-down, then one
// trial request decides (half-open): success closes the circuit, failure opens it again.
export type CircuitState = 'closed' | 'open' | 'half_open'

export class CircuitBreaker {
  private state: CircuitState = 'closed'
  private failures = 0
  private openedAt = 0
  private trialRunning = false

  constructor (
    readonly name: string,
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly onChange: (name: string, from: CircuitState, to: CircuitState) => void
  ) {}

  get current (): CircuitState {
    return this.state === 'open' && Date.now() - this.openedAt >= this.cooldownMs ? 'half_open' : this.state
  }

  /** Whether a request may go to this target now; in half-open state only one trial at a time. */
  tryAcquire (): boolean {
    if (this.state === 'closed') return true
    if (this.state === 'open') {
      if (Date.now() - this.openedAt < this.cooldownMs) return false
      this.move('half_open')
    }
    if (this.trialRunning) return false
    this.trialRunning = true
    return true
  }

  success (): void {
    this.failures = 0
    this.trialRunning = false
    if (this.state !== 'closed') this.move('closed')
  }

  failure (): void {
    this.trialRunning = false
    this.failures++
    if (this.state === 'half_open' || (this.state === 'closed' && this.failures >= this.threshold)) {
      this.openedAt = Date.now()
      this.move('open')
    }
  }

  /** The attempt ended without telling anything about the target's health (e.g. the client left). */
  release (): void {
    this.trialRunning = false
  }

  private move (to: CircuitState): void {
    const from = this.state
    this.state = to
    this.onChange(this.name, from, to)
  }
}
