// Slabs of one kind of value (vectors, or one of their encodings), one per slot size. A length gets the
// slab of its size rounded by `round`: vectors of one model all have one length, their JSON texts a few
// close ones, so a handful of slabs serve a model.
import { SlotSlab } from './slot-slab.js'

export class SlabSet<T> {
  private readonly slabs = new Map<number, SlotSlab<T>>()
  private readonly holding = new Set<SlotSlab<T>>()

  constructor (private readonly chunkBytes: number, private readonly round: (length: number) => number,
    private readonly moved: (owner: T, slot: number) => void) {}

  /** The slab for values of this length (created on first use). */
  slabFor (length: number): SlotSlab<T> {
    const size = this.round(length)
    let slab = this.slabs.get(size)
    if (slab === undefined) {
      slab = new SlotSlab<T>(size, this.chunkBytes, this.moved)
      this.slabs.set(size, slab)
    }
    return slab
  }

  release (slab: SlotSlab<T>, slot: number, held: boolean): void {
    slab.release(slot, held)
    if (held) this.holding.add(slab)
  }

  reuseHeld (): void {
    for (const slab of this.holding) slab.reuseHeld()
    this.holding.clear()
  }

  get residentBytes (): number {
    let bytes = 0
    for (const slab of this.slabs.values()) bytes += slab.residentBytes
    return bytes
  }
}

/** Up to 1/16 over the length, in steps of a power of two: at most ~6 % of a JSON text is slack. */
export function roundUp (length: number): number {
  const step = 2 ** Math.max(4, Math.floor(Math.log2(Math.max(1, length) / 16)))
  return Math.ceil(length / step) * step
}

export const exactly = (length: number): number => Math.max(1, length)
