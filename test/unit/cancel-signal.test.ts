import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { asAbortSignal, CancelSignal } from '../../src/routing/cancel-signal.js'

t.test('a cancellation aborts once, with an AbortError unless given a reason', async (t) => {
  const signal = new CancelSignal()
  let calls = 0
  const listener = (): void => { calls++ }
  signal.addEventListener('abort', listener, { once: true })
  signal.abort()
  signal.abort(new Error('again'))
  t.equal(calls, 1, 'the listener ran once')
  t.ok(signal.aborted)
  t.equal((signal.reason as DOMException).name, 'AbortError', 'the reason AbortController would give')
  signal.addEventListener('abort', listener)
  t.equal(calls, 1, 'a listener added after the abort never runs')

  const withReason = new CancelSignal()
  const reason = new Error('deadline')
  withReason.abort(reason)
  t.equal(withReason.reason, reason, 'the given reason is kept')
})

t.test('a removed listener does not run; a throwing one does not stop the others', async (t) => {
  const signal = new CancelSignal()
  const seen: string[] = []
  const removed = (): void => { seen.push('removed') }
  signal.addEventListener('abort', removed)
  signal.addEventListener('abort', () => { throw new Error('listener failed') })
  signal.addEventListener('abort', () => { seen.push('last') })
  signal.removeEventListener('abort', removed)
  const uncaught = new Promise<unknown>((resolve) => { process.once('uncaughtException', resolve) })
  signal.abort()
  t.same(seen, ['last'], 'the listener after the throwing one ran')
  t.match(await uncaught, { message: 'listener failed' }, 'the error surfaces as uncaught, as from an EventTarget')
})

t.test('node:timers/promises takes it as a signal', async (t) => {
  const signal = new CancelSignal()
  const waiting = sleep(10_000, undefined, { signal: asAbortSignal(signal) })
  signal.abort()
  await t.rejects(waiting, { name: 'AbortError' }, 'the wait ends at the abort')
})
