import { UpstreamTimeoutError } from '../errors/gateway-error.js'
import type { Hold } from './resilient-caller.js'

/** Keeps a stream's concurrency slot until it ends, and reports a stream cut by the total timeout as such. */
export async function * guardStream<T> (chunks: AsyncIterable<T>, hold: Hold): AsyncGenerator<T> {
  let ok = false
  try {
    for await (const chunk of chunks) yield chunk
    ok = true
  } catch (err) {
    if (hold.timedOut()) throw new UpstreamTimeoutError('the answer did not finish within the total time allowed')
    throw err
  } finally {
    hold.settle(ok)
  }
}
