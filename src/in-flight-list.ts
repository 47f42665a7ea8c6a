// The requests in flight, each until it ends: registered and unregistered once per request.
//
// Not a Set: when V8 rebuilds a Set's table (it does so every few dozen add/delete pairs once holes
// accumulate), the table it drops stays in the old generation until the next mark-compact, and a scavenge
// must treat everything that old table points to as alive. Each request's entry there kept the whole request
// alive (closures share their scope with the request's), so nearly every request was promoted to the old
// generation: ~6–8 KB per request under load, and scavenges at 10–20 % of the CPU. A linked list whose nodes
// are cleared on removal leaves nothing behind.

interface Node<T> {
  value: T | undefined
  prev: Node<T> | undefined
  next: Node<T> | undefined
}

export class InFlightList<T> {
  private head: Node<T> | undefined
  private count = 0

  get size (): number {
    return this.count
  }

  /** Adds `value`; the returned function removes it (any further call does nothing). */
  add (value: T): () => void {
    const node: Node<T> = { value, prev: undefined, next: this.head }
    if (this.head !== undefined) this.head.prev = node
    this.head = node
    this.count++
    return () => {
      if (node.value === undefined) return
      if (node.prev !== undefined) node.prev.next = node.next
      else this.head = node.next
      if (node.next !== undefined) node.next.prev = node.prev
      node.value = node.prev = node.next = undefined
      this.count--
    }
  }

  /** The values now, newest first: a snapshot, so that acting on one may remove others. */
  values (): T[] {
    const values: T[] = []
    for (let node = this.head; node !== undefined; node = node.next) if (node.value !== undefined) values.push(node.value)
    return values
  }
}
