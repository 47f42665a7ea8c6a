import t from 'tap'
import { primeStream } from '../../src/streaming/prime-stream.js'

t.test('a stream that fails before its first chunk fails while priming, before any answer is sent', async (t) => {
  async function * broken (): AsyncGenerator<number> { throw new Error('refused') }
  await t.rejects(primeStream(broken()), /refused/)
})

t.test('a primed stream yields every chunk, the first included, in order', async (t) => {
  async function * numbers (): AsyncGenerator<number> { yield 1; yield 2; yield 3 }
  const seen: number[] = []
  for await (const n of await primeStream(numbers())) seen.push(n)
  t.same(seen, [1, 2, 3])
})

t.test('leaving a primed stream early closes the source', async (t) => {
  let closed = false
  async function * endless (): AsyncGenerator<number> {
    try { for (let i = 0; ; i++) yield i } finally { closed = true }
  }
  for await (const n of await primeStream(endless())) if (n === 2) break
  t.ok(closed)
})
