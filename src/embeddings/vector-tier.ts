// In-process embeddings, least recently used first out, bounded by what they really hold in memory (keys,
// vectors and their encoded answers), each until its own expiry. It is the whole store without Redis, and
// the tier in front of Redis with it: entries never change for a key, so a copy here can only go stale
// by its TTL, which it carries.
// Bytes live in slabs of fixed-size slots (slot-slab.ts), reused in place, so the process holds about
// maxBytes for them however many entries come and go; entries are small objects pointing into them.
import { base64Length, CachedVector, type EncodingFormat, ownBytes, quotedBase64, writeQuotedBase64 } from './cached-vector.js'
import { float32JsonScratch } from './float32-json.js'
import { exactly, roundUp, SlabSet } from './slab-set.js'
import { ENTRY_OVERHEAD, type EntryOwner, moveStored, place, type Stored, TierEntry } from './tier-entry.js'

export class VectorTier implements EntryOwner {
  private readonly entries = new Map<string, TierEntry>()
  private bytes = 0
  private readonly vectors: SlabSet<Stored>
  private readonly encodings: Record<EncodingFormat, SlabSet<Stored>>
  /** Counts jobs in which views were handed out; a slot viewed in the running one is not reused in it. */
  private job = 0
  private jobEnding = false

  constructor (readonly maxBytes: number) {
    // Chunks of 1/64 of the bound (64 KB to 1 MB): small against it, large against malloc's own blocks.
    const chunkBytes = Math.min(1 << 20, Math.max(64 << 10, Math.floor(maxBytes / 64)))
    this.vectors = new SlabSet(chunkBytes, exactly, moveStored)
    this.encodings = { float: new SlabSet(chunkBytes, roundUp, moveStored), base64: new SlabSet(chunkBytes, exactly, moveStored) }
  }

  get sizeBytes (): number {
    return this.bytes
  }

  get size (): number {
    return this.entries.size
  }

  /** Bytes of the slabs' chunks: what the entries' bytes occupy in memory, free slots included. */
  get residentBytes (): number {
    return this.vectors.residentBytes + this.encodings.float.residentBytes + this.encodings.base64.residentBytes
  }

  /** The entry, if present and not expired; it becomes the most recently used. */
  get (key: string, now: number): CachedVector | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    this.entries.delete(key)
    if (entry.expiresAt <= now) {
      this.drop(entry)
      return undefined
    }
    this.entries.set(key, entry) // Map order is the recency order
    const handle = entry.handle?.deref()
    if (handle !== undefined && handle.home === entry) return handle
    const fresh = new CachedVector(undefined, entry.expiresAt, entry)
    entry.handle = new WeakRef(fresh)
    return fresh
  }

  /** Copies the vector's bytes in; its encodings, once asked of `vector`, are kept here too. */
  set (key: string, vector: CachedVector): void {
    const old = this.entries.get(key)
    if (old !== undefined) {
      this.entries.delete(key)
      this.drop(old)
    }
    const bytes = vector.bytes
    const slab = this.vectors.slabFor(bytes.length)
    if (ENTRY_OVERHEAD + key.length + slab.slotBytes > this.maxBytes) return
    const stored = place(slab, bytes.length)
    bytes.copy(slab.view(stored.slot, bytes.length))
    const entry = new TierEntry(this, key, vector.expiresAt, stored)
    // Requests get their own copy (`get`): the caller's bytes may be a share of a larger chunk.
    vector.home = entry
    entry.source = new WeakRef(vector)
    this.entries.set(key, entry)
    this.bytes += entry.sizeBytes
    this.evict(entry)
  }

  /** Encodes an entry's vector and keeps the encoding, if the entry fits with it. */
  encode (entry: TierEntry, format: EncodingFormat): Buffer {
    const bytes = entry.bytes()
    // Printed into a shared buffer and copied once, into the slot (or into its own Buffer when it does not fit).
    const text = format === 'float' ? float32JsonScratch(bytes) : undefined
    const length = text?.length ?? base64Length(bytes.length)
    const slab = this.encodings[format].slabFor(length)
    if (!entry.live || entry.sizeBytes + slab.slotBytes > this.maxBytes) return text !== undefined ? ownBytes(text) : quotedBase64(bytes)
    const stored = place(slab, length)
    const out = slab.view(stored.slot, length)
    if (text === undefined) writeQuotedBase64(bytes, out)
    else text.copy(out)
    stored.view = out
    entry[format] = stored
    this.bytes += slab.slotBytes
    // Evicting may move `out` down a slab (see slot-slab.ts): the chunk it leaves is never written again.
    this.evict(entry)
    return out
  }

  viewed (entry: TierEntry): void {
    if (entry.viewedIn === this.job) return
    entry.viewedIn = this.job
    if (this.jobEnding) return
    this.jobEnding = true
    queueMicrotask(this.endJob)
  }

  private readonly endJob = (): void => {
    this.job++
    this.jobEnding = false
    this.vectors.reuseHeld()
    this.encodings.float.reuseHeld()
    this.encodings.base64.reuseHeld()
  }

  private drop (entry: TierEntry): void {
    entry.live = false
    entry.handle?.deref()?.detach(entry)
    entry.source?.deref()?.detach(entry)
    const held = entry.viewedIn === this.job
    this.vectors.release(entry.vector.slab, entry.vector.slot, held)
    if (entry.float !== undefined) this.encodings.float.release(entry.float.slab, entry.float.slot, held)
    if (entry.base64 !== undefined) this.encodings.base64.release(entry.base64.slab, entry.base64.slot, held)
    this.bytes -= entry.sizeBytes
  }

  /** Drops the least recently used until within the bound; never `keep` (which fits alone). */
  private evict (keep: TierEntry): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return
      if (entry === keep) continue
      this.entries.delete(key)
      this.drop(entry)
    }
  }
}
