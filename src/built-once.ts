// Something built on first use and kept: the pages and documents most instances never serve, the metrics
// registry before the first scrape. A build that fails is tried again by the next caller.

export interface BuiltOnce<T> {
  /** The built value, building it now if no build has succeeded or is running. */
  get: () => Promise<T>
  /** The value if a build succeeded, without starting one (for closing it). */
  ifBuilt: () => Promise<T | undefined>
}

export function builtOnce<T> (build: () => Promise<T>): BuiltOnce<T> {
  let value: Promise<T> | undefined
  return {
    get: async () => {
      value ??= build().catch((err: unknown) => {
        value = undefined
        throw err
      })
      return await value
    },
    ifBuilt: async () => await value?.catch(() => undefined)
  }
}
