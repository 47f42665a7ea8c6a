// A vector held by a tier: where its bytes and encodings sit in the tier's slabs. Reading a view tells the
// tier, which then keeps the slots from reuse until the running job ends (a reply copies its pieces in the
// same job), so a view handed out is never overwritten while it is read.
import type { CachedVector, EncodingFormat, VectorHome } from './cached-vector.js'
import type { SlotSlab } from './slot-slab.js'

/** Bytes held per entry beyond its slots: the objects, the Map slot, the key's header. */
export const ENTRY_OVERHEAD = 480

export interface EntryOwner {
  viewed: (entry: TierEntry) => void
  encode: (entry: TierEntry, format: EncodingFormat) => Buffer
}

/** One value in a slab; `slot` changes when the slab moves it down (see slot-slab.ts). */
export interface Stored {
  readonly slab: SlotSlab<Stored>
  slot: number
  readonly length: number
  /** Made on first read and kept: a hit then creates no Buffer object. */
  view: Buffer | undefined
}

/** Takes a slot of `slab` for a value of `length` bytes. */
export function place (slab: SlotSlab<Stored>, length: number): Stored {
  const stored: Stored = { slab, slot: -1, length, view: undefined }
  stored.slot = slab.alloc(stored)
  return stored
}

export const moveStored = (stored: Stored, slot: number): void => {
  stored.slot = slot
  stored.view = undefined
}

export class TierEntry implements VectorHome {
  float: Stored | undefined
  base64: Stored | undefined
  /** The copy handed to requests by `get`, if one is still alive. */
  handle: WeakRef<CachedVector> | undefined
  /** The vector it was stored from, if still alive: its encodings are kept here too. */
  source: WeakRef<CachedVector> | undefined
  /** The tier's job counter when a view of this entry was last handed out. */
  viewedIn = -1
  live = true

  constructor (private readonly owner: EntryOwner, readonly key: string, readonly expiresAt: number,
    readonly vector: Stored) {}

  bytes (): Buffer {
    this.owner.viewed(this)
    return view(this.vector)
  }

  json (format: EncodingFormat): Buffer {
    const stored = format === 'float' ? this.float : this.base64
    if (stored === undefined) return this.owner.encode(this, format)
    this.owner.viewed(this)
    return view(stored)
  }

  peek (format: EncodingFormat | 'bytes'): Buffer | undefined {
    const stored = format === 'bytes' ? this.vector : format === 'float' ? this.float : this.base64
    return stored === undefined ? undefined : view(stored)
  }

  /** Resident bytes of this entry, its key included. */
  get sizeBytes (): number {
    return ENTRY_OVERHEAD + this.key.length + this.vector.slab.slotBytes +
      (this.float?.slab.slotBytes ?? 0) + (this.base64?.slab.slotBytes ?? 0)
  }
}

const view = (stored: Stored): Buffer => stored.view ?? (stored.view = stored.slab.view(stored.slot, stored.length))
