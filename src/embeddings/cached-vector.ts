// One cached embedding: its float32 bytes and, once asked for, its JSON value in each encoding, so a hit
// costs a copy of ready bytes instead of printing 1,536 numbers per request.
import { float32ArrayJson } from './float32-json.js'

export type EncodingFormat = 'float' | 'base64'

/** Bytes held per entry beyond its Buffers' contents: the objects, the Map slot, allocator headers. */
export const ENTRY_OVERHEAD = 480
const BUFFER_OVERHEAD = 160

/** A Buffer over its own memory, exactly its length: a slice of a pool or socket chunk would pin it all. */
export function ownBytes (bytes: Uint8Array): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && Buffer.isBuffer(bytes)) return bytes
  const own = Buffer.allocUnsafeSlow(bytes.byteLength)
  own.set(bytes)
  return own
}

export interface GrowthListener {
  grew: (bytes: number) => void
}

export class CachedVector {
  private float: Buffer | undefined
  private base64: Buffer | undefined
  /** The tier holding this entry, told when an encoding is added so its byte count stays true. */
  owner: GrowthListener | undefined

  /** `bytes` must be owned (see ownBytes); `expiresAt` is in Date.now() milliseconds. */
  constructor (readonly bytes: Buffer, readonly expiresAt: number) {}

  static of (bytes: Uint8Array, expiresAt: number): CachedVector {
    return new CachedVector(ownBytes(bytes), expiresAt)
  }

  /** The embedding as a JSON value: `[…]` (shortest float32 decimals) or `"…"` (base64), encoded once. */
  json (format: EncodingFormat): Buffer {
    const ready = format === 'float' ? this.float : this.base64
    if (ready !== undefined) return ready
    const encoded = format === 'float' ? float32ArrayJson(this.bytes) : quotedBase64(this.bytes)
    if (format === 'float') this.float = encoded
    else this.base64 = encoded
    this.owner?.grew(encoded.length + BUFFER_OVERHEAD)
    return encoded
  }

  /** Resident bytes of this entry (without its key). */
  get sizeBytes (): number {
    const encoded = (this.float === undefined ? 0 : this.float.length + BUFFER_OVERHEAD) +
      (this.base64 === undefined ? 0 : this.base64.length + BUFFER_OVERHEAD)
    return ENTRY_OVERHEAD + this.bytes.length + encoded
  }
}

function quotedBase64 (bytes: Buffer): Buffer {
  const text = bytes.toString('base64')
  const out = Buffer.allocUnsafeSlow(text.length + 2)
  out[0] = 0x22
  out.write(text, 1, 'latin1')
  out[text.length + 1] = 0x22
  return out
}
