// Per-vector cost of printing a cached float32 vector as JSON: the shortest-float32 printer against what
// qiao did before (float32 → number[] → JSON.stringify, doubles of up to 17 digits) and against base64.
//   npx tsx bench/micro/float32-json.ts [dimensions=1536] [vectors=2000]
import { float32ArrayJson } from '../../src/embeddings/float32-json.js'
import { bufferToVector } from '../../src/embeddings/vector-codec.js'

const dims = Number(process.argv[2] ?? 1536)
const count = Number(process.argv[3] ?? 2000)

/** Normal values with sd 1/sqrt(dims), like a unit-length embedding (deterministic). */
function vector (seed: number): Buffer {
  let x = seed | 1
  const next = (): number => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32 }
  const values = new Float32Array(dims)
  for (let i = 0; i < dims; i++) values[i] = Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next()) / Math.sqrt(dims)
  return Buffer.from(values.buffer)
}

const vectors = Array.from({ length: count }, (_, i) => vector(i + 1))
const cases: Record<string, (b: Buffer) => number> = {
  'JSON.stringify(bufferToVector)': (b) => JSON.stringify(bufferToVector(b)).length,
  float32ArrayJson: (b) => float32ArrayJson(b).length,
  'base64 (toString)': (b) => b.toString('base64').length
}

for (let round = 0; round < 3; round++) {
  for (const [name, encode] of Object.entries(cases)) {
    let bytes = 0
    const start = process.hrtime.bigint()
    for (const b of vectors) bytes += encode(b)
    const us = Number(process.hrtime.bigint() - start) / 1000 / count
    console.log(`round ${round + 1}  ${name.padEnd(32)} ${us.toFixed(1).padStart(7)} µs/vector  ${(bytes / count).toFixed(0).padStart(6)} bytes/vector`)
  }
}
