// JSON.parse for embedding answers: every array of at least MIN_VECTOR numbers is read straight from the
// bytes into a Float32Array, the rest goes through JSON.parse. An answer of 16 × 1536 numbers is ~300 KB of
// text; this skips decoding it to a string and the boxed number[] per vector (and its garbage), and yields the
// float32 values the cache stores. Each number is read as JSON.parse reads it (correctly rounded to a double,
// exactly: Clinger's fast path, else Number() of its text), then rounded to float32.
const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN = 0x5b
const CLOSE = 0x5d
const COMMA = 0x2c
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39
const MIN_VECTOR = 16
const PLACEHOLDER = 'qiao:vector'

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i) // exact doubles up to 1e22

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09
const isDigit = (c: number | undefined): c is number => c !== undefined && c >= ZERO && c <= NINE

// Where the last read stopped; module state keeps the hot loop free of allocations.
let at = 0
let scratch = new Float32Array(4096)

/** The JSON number starting at `at` (advancing `at`), or NaN when the text there is not one. */
function readNumber (b: Uint8Array): number {
  const start = at
  let i = at
  const negative = b[i] === MINUS
  if (negative) i++
  if (!isDigit(b[i]) || (b[i] === ZERO && isDigit(b[i + 1]))) return NaN
  let mantissa = 0
  let significant = 0 // digits from the first non-zero one: past 15, the mantissa may not be exact
  let c = b[i]
  for (; isDigit(c); c = b[++i]) { mantissa = mantissa * 10 + (c - ZERO); if (mantissa !== 0) significant++ }
  let fraction = 0
  if (c === DOT) {
    const first = ++i
    for (c = b[i]; isDigit(c); c = b[++i]) { mantissa = mantissa * 10 + (c - ZERO); if (mantissa !== 0) significant++ }
    fraction = i - first
    if (fraction === 0) return NaN
  }
  let exponent = 0
  if (c === 0x65 || c === 0x45) {
    const sign = b[++i]
    if (sign === MINUS || sign === PLUS) i++
    const first = i
    for (c = b[i]; isDigit(c) && exponent < 1e6; c = b[++i]) exponent = exponent * 10 + (c - ZERO)
    if (i === first || isDigit(c)) return NaN
    if (sign === MINUS) exponent = -exponent
  }
  at = i
  const scale = fraction - exponent
  // One exact operand each and one rounding: the correctly rounded double, as JSON.parse gives.
  const magnitude = significant <= 15 && scale >= -22 && scale <= 22
    ? (scale >= 0 ? mantissa / (POW10[scale] as number) : mantissa * (POW10[-scale] as number))
    : Number(Buffer.prototype.latin1Slice.call(b, negative ? start + 1 : start, i))
  return negative ? -magnitude : magnitude
}

/** The numbers of the array whose first element is at `start`, or undefined when it holds anything else. */
function readNumbers (b: Uint8Array, start: number): Float32Array | undefined {
  let i = start
  while (isSpace(b[i])) i++
  let count = 0
  for (;;) {
    at = i
    const value = readNumber(b)
    if (Number.isNaN(value)) return undefined
    if (count === scratch.length) {
      const grown = new Float32Array(count * 2)
      grown.set(scratch)
      scratch = grown
    }
    scratch[count++] = value
    i = at
    while (isSpace(b[i])) i++
    if (b[i] === COMMA) {
      i++
      while (isSpace(b[i])) i++
      continue
    }
    if (b[i] !== CLOSE) return undefined
    at = i + 1
    return scratch.slice(0, count)
  }
}

/** JSON.parse of `body`, with number arrays of MIN_VECTOR or more elements as Float32Arrays. Throws a SyntaxError like JSON.parse. */
export function parseJsonWithVectors (body: Buffer): unknown {
  const vectors: Float32Array[] = []
  let rest = ''
  let copied = 0
  let i = 0
  const n = body.length
  while (i < n) {
    const c = body[i]
    if (c === QUOTE) {
      for (i++; i < n && body[i] !== QUOTE; i++) if (body[i] === BACKSLASH) i++
      i++
      continue
    }
    if (c === OPEN) {
      const values = readNumbers(body, i + 1)
      if (values !== undefined && values.length >= MIN_VECTOR) {
        // Cut at ASCII brackets only, so the slices stay whole UTF-8.
        rest += `${body.toString('utf8', copied, i)}{"${PLACEHOLDER}":${vectors.length}}`
        vectors.push(values)
        i = copied = at
        continue
      }
    }
    i++
  }
  rest += body.toString('utf8', copied, n)
  const value: unknown = JSON.parse(rest)
  return vectors.length === 0 ? value : restore(value, vectors)
}

function restore (value: unknown, vectors: Float32Array[]): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i], vectors)
    return value
  }
  if (value === null || typeof value !== 'object') return value
  const record = value as Record<string, unknown>
  const index = record[PLACEHOLDER]
  if (typeof index === 'number' && vectors[index] !== undefined) return vectors[index]
  for (const key of Object.keys(record)) record[key] = restore(record[key], vectors)
  return record
}
