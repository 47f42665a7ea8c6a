import type { HookHandlerDoneFunction } from 'fastify'

/**
 * Runs a callback-style hook's work, which finishes at once (undefined) or later (a promise): most requests
 * need no promise at all, and an async hook would make one for every request. A throw or a rejection
 * becomes the request's error, as from an async hook.
 */
export function settleHook (work: () => Promise<void> | undefined, done: HookHandlerDoneFunction): void {
  let pending: Promise<void> | undefined
  try {
    pending = work()
  } catch (err) {
    done(err as Error)
    return
  }
  if (pending === undefined) done()
  else pending.then(() => { done() }, (err: unknown) => { done(err as Error) })
}
