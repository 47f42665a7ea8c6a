// One cached embedding as a request holds it: its float32 bytes and its JSON value in each encoding, so a
// hit costs a copy of ready bytes instead of printing 1,536 numbers per request. While a tier holds the
// embedding, these are views of the tier's slabs (see vector-tier.ts); when the tier drops it while a
// request still holds it, the request's copy takes its bytes along.
import { float32ArrayJson } from './float32-json.js'

export type EncodingFormat = 'float' | 'base64'

/** A vector's place in a tier. Views are valid until the running job ends: copy them to keep them. */
export interface VectorHome {
  bytes: () => Buffer
  json: (format: EncodingFormat) => Buffer
  /** The stored encoding, if any, without marking it read. */
  peek: (format: EncodingFormat | 'bytes') => Buffer | undefined
}

/** A Buffer over its own memory, exactly its length: a slice of a pool or socket chunk would pin it all. */
export function ownBytes (bytes: Uint8Array): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && Buffer.isBuffer(bytes)) return bytes
  return copyOf(bytes)
}

function copyOf (bytes: Uint8Array): Buffer {
  const own = Buffer.allocUnsafeSlow(bytes.byteLength)
  own.set(bytes)
  return own
}

export class CachedVector {
  private own: Buffer | undefined
  private float: Buffer | undefined
  private base64: Buffer | undefined

  /** `bytes` must be owned (see ownBytes), or undefined with a home; `expiresAt` is in Date.now() ms. */
  constructor (bytes: Buffer | undefined, readonly expiresAt: number, public home?: VectorHome) {
    this.own = bytes
  }

  static of (bytes: Uint8Array, expiresAt: number): CachedVector {
    return new CachedVector(ownBytes(bytes), expiresAt)
  }

  /** The float32 little-endian bytes; with a home and no own copy, a view valid for the running job. */
  get bytes (): Buffer {
    return this.own ?? (this.home as VectorHome).bytes()
  }

  /** The embedding as a JSON value: `[…]` (shortest float32 decimals) or `"…"` (base64), encoded once. */
  json (format: EncodingFormat): Buffer {
    if (this.home !== undefined) return this.home.json(format)
    const ready = format === 'float' ? this.float : this.base64
    if (ready !== undefined) return ready
    const own = this.own as Buffer
    const encoded = format === 'float' ? float32ArrayJson(own) : quotedBase64(own)
    if (format === 'float') this.float = encoded
    else this.base64 = encoded
    return encoded
  }

  /** Leaves `home` (about to be reused), taking a copy of all it holds for this vector. */
  detach (home: VectorHome): void {
    if (this.home !== home) return
    const float = home.peek('float')
    const base64 = home.peek('base64')
    this.own ??= copyOf(home.peek('bytes') as Buffer)
    if (float !== undefined) this.float = copyOf(float)
    if (base64 !== undefined) this.base64 = copyOf(base64)
    this.home = undefined
  }
}

export function quotedBase64 (bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(base64Length(bytes.length))
  writeQuotedBase64(bytes, out)
  return out
}

/** Length of `"…"` holding the base64 of `byteLength` bytes. */
export const base64Length = (byteLength: number): number => 4 * Math.ceil(byteLength / 3) + 2

export function writeQuotedBase64 (bytes: Buffer, out: Buffer): void {
  out[0] = 0x22
  out.write(bytes.toString('base64'), 1, 'latin1')
  out[out.length - 1] = 0x22
}
