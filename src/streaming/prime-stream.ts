// Waits for a stream's first chunk before the answer starts: a backend that fails before saying anything
// can still be retried, or answered with a proper status and JSON error instead of a broken 200 stream.
export async function primeStream<T> (source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = source[Symbol.asyncIterator]()
  const first = await iterator.next()
  return (async function * () {
    try {
      if (first.done === true) return
      yield first.value
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value
    } finally {
      await iterator.return?.()
    }
  })()
}
