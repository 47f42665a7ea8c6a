// float32 → the shortest decimal that reads back (Number(), then Math.fround) as the same float32, written
// as JSON bytes. JSON.stringify prints a float32 as the double it widens to (up to 17 digits, ~1.7× the
// bytes); 9 significant digits always suffice for a float32, and most values need 7 or 8.
//
// Fast path (|value| ≈ 1e-13 … 1e21): scale by an exact power of ten, round to an integer candidate m,
// and check it with m / 10^s (or m · 10^-s). Both operands are exact doubles and the operation rounds
// once, so the check is exactly what Number() of the printed decimal gives (Clinger's fast path).
// Other magnitudes go through toPrecision and Number(): correct, slower, and absent from embeddings.

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i) // exact doubles up to 1e22
const ZERO = 0x30

// Result of `shortest`, kept in module state so the hot loop allocates nothing: value = digits / 10^scale.
let digits = 0
let scale = 0

/** Does some decimal with `s` digits after the point (s < 0: a multiple of 10^-s) read back as `a`? */
function fits (a: number, s: number, pow2: boolean): boolean {
  const p = POW10[s < 0 ? -s : s] as number
  const scaled = s < 0 ? a / p : a * p
  let m = Math.round(scaled)
  if (Math.fround(s < 0 ? m * p : m / p) !== a) {
    // The nearest candidate misses. The other neighbour can still fit when the value is a power of two (the
    // gap below it is half the gap above) or when the scaled value sits on a near tie (rounding error).
    const frac = scaled - Math.floor(scaled)
    if (!pow2 && Math.abs(frac - 0.5) > 1e-6) return false
    m = m < scaled ? m + 1 : m - 1
    if (Math.fround(s < 0 ? m * p : m / p) !== a) return false
  }
  digits = m
  scale = s
  return true
}

/** Sets digits/scale to the shortest decimal for a finite a > 0 (a float32 with these bits). */
function shortest (a: number, bits: number): void {
  const pow2 = (bits & 0x7fffff) === 0
  // log10(a) from the binary exponent; off by one at most, which only moves the first guess.
  const k = Math.floor((((bits >>> 23) & 0xff) - 127) * 0.30103)
  let s = 6 - k // 7 significant digits first: embedding values mostly need 7 or 8
  if (s > 20 || s < -14) return slowShortest(a, pow2) // the search may move 8 digits down, 2 up
  if (fits(a, s, pow2)) {
    while (s > -22 && fits(a, s - 1, pow2)) s--
    return
  }
  while (s < 22) if (fits(a, ++s, pow2)) return
  slowShortest(a, pow2)
}

/** Any magnitude: the nearest p-digit decimal from toPrecision, checked through Number(). */
function slowShortest (a: number, pow2: boolean): void {
  for (let p = 1; p <= 9; p++) {
    const text = a.toPrecision(p)
    const e = text.indexOf('e')
    const mantissa = e < 0 ? text : text.slice(0, e)
    const dot = mantissa.indexOf('.')
    const m = Number(mantissa.replace('.', ''))
    const s = (dot < 0 ? 0 : mantissa.length - dot - 1) - (e < 0 ? 0 : Number(text.slice(e + 1)))
    for (const candidate of pow2 ? [m, m + 1] : [m]) {
      if (Math.fround(Number(`${candidate}e${-s}`)) === a) { digits = candidate; scale = s; return }
    }
  }
  throw new RangeError(`no decimal of 9 digits reads back as ${a}`)
}

/** Writes one float32 (given as its value and bits) at `at`; returns the end. Needs at most 16 bytes. */
export function writeFloat32 (out: Uint8Array, at: number, value: number, bits: number): number {
  if (!Number.isFinite(value)) {
    // No JSON number exists; null is what JSON.stringify writes, and keeps every index in place.
    out[at] = 0x6e; out[at + 1] = 0x75; out[at + 2] = 0x6c; out[at + 3] = 0x6c
    return at + 4
  }
  if (value === 0) {
    // -0 as "-0.0": JSON parsers that make integers of "-0" (Python's) would lose the sign.
    if (bits === 0) { out[at] = ZERO; return at + 1 }
    out[at] = 0x2d; out[at + 1] = ZERO; out[at + 2] = 0x2e; out[at + 3] = ZERO
    return at + 4
  }
  if (value < 0) out[at++] = 0x2d
  shortest(value < 0 ? -value : value, bits)
  let m = digits
  let s = scale
  // The shortest decimal has at most 9 significant digits, so m fits an int32 once trailing zeros are gone.
  while (m >= 1e9 || (m | 0) % 10 === 0) { m /= 10; s-- }
  m = m | 0
  let n = 1
  while (n < 9 && m >= (POW10[n] as number)) n++
  const point = n - s // digits before the decimal point (may be ≤ 0 or > n)
  const exponent = point - 1
  const expLength = (exponent < 0 ? 1 : 0) + (exponent <= -10 || exponent >= 10 ? 2 : 1)
  const plainLength = point >= n ? point : point > 0 ? n + 1 : n + 2 - point
  if (plainLength <= n + (n > 1 ? 1 : 0) + 1 + expLength) {
    if (point <= 0) {
      out[at++] = ZERO; out[at++] = 0x2e
      for (let i = point; i < 0; i++) out[at++] = ZERO
    }
    const dot = point > 0 && point < n ? at + point : -1
    const end = at + n + (dot < 0 ? 0 : 1)
    for (let i = end - 1; i >= at; i--) {
      if (i === dot) { out[i] = 0x2e; continue }
      const q = (m / 10) | 0
      out[i] = ZERO + m - q * 10
      m = q
    }
    let i = end
    for (let z = n; z < point; z++) out[i++] = ZERO
    return i
  }
  // d[.ddd]e±x: shorter for small and large magnitudes.
  const end = at + n + (n > 1 ? 1 : 0)
  for (let i = end - 1; i > at; i--) {
    if (i === at + 1) { out[i] = 0x2e; continue }
    const q = (m / 10) | 0
    out[i] = ZERO + m - q * 10
    m = q
  }
  out[at] = ZERO + m
  let i = end
  out[i++] = 0x65
  let x = exponent
  if (x < 0) { out[i++] = 0x2d; x = -x }
  if (x >= 10) out[i++] = ZERO + ((x / 10) | 0)
  out[i++] = ZERO + (x % 10)
  return i
}

let scratch = Buffer.allocUnsafeSlow(16 * 1024)

/**
 * float32 little-endian bytes → the JSON array text `[v,v,…]`, in a buffer shared by every call: valid until
 * the next call. A caller that keeps the text copies it where it lives (a store's slot), with no copy between.
 */
export function float32JsonScratch (bytes: Uint8Array): Buffer {
  const count = bytes.byteLength >>> 2
  if (scratch.length < count * 17 + 2) scratch = Buffer.allocUnsafeSlow(count * 17 + 2)
  const out = scratch
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 4)
  let at = 0
  out[at++] = 0x5b
  for (let i = 0; i < count; i++) {
    if (i > 0) out[at++] = 0x2c
    at = writeFloat32(out, at, view.getFloat32(i * 4, true), view.getUint32(i * 4, true))
  }
  out[at++] = 0x5d
  return out.subarray(0, at)
}

/** The same text as its own Buffer (exactly its length, no shared pool behind it: a cache can keep it). */
export function float32ArrayJson (bytes: Uint8Array): Buffer {
  const text = float32JsonScratch(bytes)
  const own = Buffer.allocUnsafeSlow(text.length)
  text.copy(own)
  return own
}
