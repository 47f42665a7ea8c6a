// A provider's API keys used in turn. A key the backend rejects as invalid leaves the rotation, so one
// revoked key costs one retried request, not every n-th request from then on.
export class KeyRing {
  private readonly keys: string[]
  private next = 0

  constructor (keys: string[]) {
    this.keys = [...new Set(keys.filter((key) => key !== ''))]
  }

  get size (): number {
    return this.keys.length
  }

  /** The key for the next request, or undefined when the provider takes none. */
  take (): string | undefined {
    if (this.keys.length === 0) return undefined
    const key = this.keys[this.next % this.keys.length] as string
    this.next = (this.next + 1) % this.keys.length
    return key
  }

  /** Removes a rejected key; the last one is kept, so the backend's own error reaches the operator. */
  reject (key: string): boolean {
    const index = this.keys.indexOf(key)
    if (index < 0 || this.keys.length === 1) return false
    this.keys.splice(index, 1)
    return true
  }
}

/** How a key is named in logs: never more than its last four characters. */
export function keyHint (key: string): string {
  return `…${key.slice(-4)}`
}
