import t from 'tap'
import { primeStream } from '../../src/streaming/prime-stream.js'

t.test('a stream that fails before its first batch fails while priming, before any answer is sent', async (t) => {
  async function * broken (): AsyncGenerator<number[]> { throw new Error('refused') }
  await t.rejects(primeStream(broken()), /refused/)
})

t.test('priming waits for a batch that holds something', async (t) => {
  let read = 0
  async function * slow (): AsyncGenerator<number[]> {
    read++
    yield []
    read++
    yield [1]
    read++
    yield [2]
  }
  const primed = await primeStream(slow())
  t.equal(read, 2, 'the empty batch was read past, nothing after the first non-empty one')
  const seen: number[][] = []
  for await (const batch of primed) seen.push(batch)
  t.same(seen, [[1], [2]])
})

t.test('a stream that fails after an empty batch still fails while priming', async (t) => {
  async function * broken (): AsyncGenerator<number[]> {
    yield []
    throw new Error('reset')
  }
  await t.rejects(primeStream(broken()), /reset/)
})

t.test('a primed stream yields every batch, the first included, in order', async (t) => {
  async function * numbers (): AsyncGenerator<number[]> { yield [1, 2]; yield [3]; yield [4, 5] }
  const seen: number[][] = []
  for await (const batch of await primeStream(numbers())) seen.push(batch)
  t.same(seen, [[1, 2], [3], [4, 5]])
})

t.test('a stream that ends without a batch primes to an empty stream', async (t) => {
  async function * none (): AsyncGenerator<number[]> {}
  const seen: number[][] = []
  for await (const batch of await primeStream(none())) seen.push(batch)
  t.same(seen, [])
})

t.test('a failure after the first batch reaches the consumer of the primed stream', async (t) => {
  async function * failing (): AsyncGenerator<number[]> {
    yield [1]
    throw new Error('broken pipe')
  }
  const seen: number[][] = []
  await t.rejects(async () => { for await (const batch of await primeStream(failing())) seen.push(batch) }, /broken pipe/)
  t.same(seen, [[1]])
})

t.test('leaving a primed stream early closes the source', async (t) => {
  let closed = false
  async function * endless (): AsyncGenerator<number[]> {
    try { for (let i = 0; ; i++) yield [i] } finally { closed = true }
  }
  for await (const [n] of await primeStream(endless())) if (n === 2) break
  t.ok(closed)
})

t.test('leaving a primed stream at its first batch closes the source', async (t) => {
  let closed = false
  async function * endless (): AsyncGenerator<number[]> {
    try { for (let i = 0; ; i++) yield [i] } finally { closed = true }
  }
  for await (const batch of await primeStream(endless())) if (batch.length > 0) break
  t.ok(closed)
})
