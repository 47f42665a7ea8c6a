// Waits for a stream's first batch before the answer starts: a backend that fails before saying anything
// can still be retried, or answered with a proper status and JSON error instead of a broken 200 stream.
// The primed stream hands the source's own iterator on rather than wrapping it in another generator.
export async function primeStream<T> (source: AsyncIterable<T[]>): Promise<AsyncIterable<T[]>> {
  const iterator = source[Symbol.asyncIterator]()
  let first: IteratorResult<T[]> | undefined = await iterator.next()
  while (first.done !== true && first.value.length === 0) first = await iterator.next()
  const primed: AsyncIterator<T[]> = {
    next: async () => {
      if (first === undefined) return await iterator.next()
      const result = first
      first = undefined
      return result
    },
    return: async (value?: unknown) => {
      first = undefined
      await iterator.return?.()
      return { done: true, value }
    }
  }
  return { [Symbol.asyncIterator]: () => primed }
}
