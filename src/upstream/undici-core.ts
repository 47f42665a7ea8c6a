// The three parts of undici that qiao's upstream calls use: Pool, request() and parseHeaders. undici's
// index loads everything else it has too (fetch, WebSocket, EventSource, caches, mocks, proxy agents, and
// through their globals Node's own bundled copy of undici): 110 files, ~4.7 MB of heap for the life of the
// process, against ~1.7 MB for these three. The paths are undici 7's own files (its package has no
// `exports` map, so they are importable); the types stay those of its public API.
import { createRequire } from 'node:module'
import type { Dispatcher, Pool as UndiciPool, util as undiciUtil } from 'undici'

const load = createRequire(import.meta.url)

export const Pool = load('undici/lib/dispatcher/pool.js') as typeof UndiciPool

/** `dispatcher.request(options)` as undici's index adds it to every dispatcher (lib/api/api-request.js). */
const requestOn = load('undici/lib/api/api-request.js') as (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>

export async function request (dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return await requestOn.call(dispatcher, options)
}

export const parseHeaders = (load('undici/lib/core/util.js') as typeof undiciUtil).parseHeaders
