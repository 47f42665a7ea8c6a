// Fixed-size slots for one byte size, cut from a few large chunks. A freed slot is reused in place, so
// caching and dropping many values of one size keeps reusing the same memory instead of asking malloc for a
// block per value (whose freed holes, and V8's late release of external memory, let RSS run far above what
// the cache counts). Free slots are handed out lowest first; once more than a chunk and a quarter is free,
// the live slots of the last chunk move down and the chunk is let go, so memory follows use back down.
import { heapPop, heapPush } from './min-heap.js'

export class SlotSlab<T> {
  private readonly chunks: Buffer[] = []
  private readonly owners: Array<T | undefined> = []
  private free: number[] = []
  /** Freed while a view of them may still be read in the running job: reusable from `reuseHeld`. */
  private held: number[] = []
  readonly perChunk: number

  /** `moved` is told when a slot's bytes move to another slot (the chunk they sat in is released). */
  constructor (readonly slotBytes: number, chunkBytes: number, private readonly moved: (owner: T, slot: number) => void) {
    this.perChunk = Math.max(1, Math.floor(chunkBytes / slotBytes))
  }

  /** Bytes of the chunks this slab holds. */
  get residentBytes (): number {
    return this.chunks.length * this.perChunk * this.slotBytes
  }

  alloc (owner: T): number {
    if (this.free.length === 0) this.grow()
    const slot = heapPop(this.free)
    this.owners[slot] = owner
    return slot
  }

  /** `held`: a view of the slot may still be read before the running job ends, so it is not reused before. */
  release (slot: number, held: boolean): void {
    this.owners[slot] = undefined
    if (held) {
      this.held.push(slot)
      return
    }
    heapPush(this.free, slot)
    this.shrink()
  }

  /** Makes the held slots reusable: called once the job that read them has ended. */
  reuseHeld (): void {
    for (const slot of this.held) heapPush(this.free, slot)
    this.held = []
    this.shrink()
  }

  /** A view of the slot's first `length` bytes. */
  view (slot: number, length: number): Buffer {
    const at = (slot % this.perChunk) * this.slotBytes
    return (this.chunks[(slot / this.perChunk) | 0] as Buffer).subarray(at, at + length)
  }

  private grow (): void {
    const first = this.chunks.length * this.perChunk
    this.chunks.push(Buffer.allocUnsafeSlow(this.perChunk * this.slotBytes))
    for (let slot = first; slot < first + this.perChunk; slot++) heapPush(this.free, slot)
  }

  private shrink (): void {
    while (this.chunks.length > 1 && this.free.length >= this.perChunk + Math.ceil(this.perChunk / 4)) {
      const start = (this.chunks.length - 1) * this.perChunk
      // A sorted array is a valid heap. The other free slots outnumber the live ones of the last chunk.
      this.free = this.free.filter((slot) => slot < start).sort((a, b) => a - b)
      this.held = this.held.filter((slot) => slot < start)
      const last = this.chunks.pop() as Buffer
      for (let slot = start; slot < start + this.perChunk; slot++) {
        const owner = this.owners[slot]
        if (owner === undefined) continue
        const to = heapPop(this.free)
        const from = (slot - start) * this.slotBytes
        last.copy(this.view(to, this.slotBytes), 0, from, from + this.slotBytes)
        this.owners[to] = owner
        this.moved(owner, to)
      }
      this.owners.length = start
    }
  }
}
