// A request's or an attempt's cancellation, as a plain class. Node 20 makes each AbortSignal by giving an
// EventTarget another prototype: ~4 µs per signal with one listener, a hidden class of its own per signal, and
// the signal promoted to the old generation with everything it points to. Two were made per request. What
// qiao and its consumers read of a signal is this much: `aborted`, `reason` and 'abort' listeners (undici
// takes any object with addEventListener, timers/promises one with `aborted`).

/** The part of an AbortSignal a call reads; a real AbortSignal is one too. */
export interface Cancellation {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener: (type: 'abort', listener: () => void, options?: { once?: boolean }) => void
  removeEventListener: (type: 'abort', listener: () => void) => void
}

export class CancelSignal implements Cancellation {
  aborted = false
  reason: unknown = undefined
  private listeners: Array<() => void> | undefined

  /** `once` needs nothing more: there is one abort, and each listener runs at most once. */
  addEventListener (_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (this.aborted) return
    (this.listeners ??= []).push(listener)
  }

  removeEventListener (_type: 'abort', listener: () => void): void {
    const index = this.listeners?.indexOf(listener) ?? -1
    if (index >= 0) this.listeners?.splice(index, 1)
  }

  /** Aborts once, with `reason` or an AbortError as AbortController does; each listener runs once. */
  abort (reason?: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError')
    const listeners = this.listeners
    this.listeners = undefined
    for (const listener of listeners ?? []) {
      try {
        listener.call(this)
      } catch (err) {
        // As an EventTarget does: the other listeners still run, the error surfaces as uncaught.
        process.nextTick(() => { throw err })
      }
    }
  }
}

/** For APIs typed with AbortSignal that read only what Cancellation has (undici, timers/promises). */
export function asAbortSignal (signal: Cancellation): AbortSignal {
  return signal as AbortSignal
}
