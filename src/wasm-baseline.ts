// undici parses HTTP responses with llhttp compiled to WebAssembly. V8 compiles it with its baseline
// compiler (Liftoff) and then, once the parser is hot, again with TurboFan on a worker thread; that
// compilation leaves a ~10 MB malloc arena behind for the life of the process (seen in most runs: one
// upstream response parsed, 3 s later +12 MB resident against +2.3 MB with Liftoff alone).
// Liftoff alone costs ~2 µs per JSON answer and ~5 µs per 50-event stream (undici client micro-benchmark),
// about 1 % of what qiao spends per request. V8 reads the flag when it compiles a module, and undici
// compiles llhttp at its first connection, so setting it at start takes effect.
import { setFlagsFromString } from 'node:v8'
import { givenByOperator } from './node-flags.js'

/** Unless the operator gave a WebAssembly tiering flag. */
export function useWasmBaselineCompiler (): void {
  if (!givenByOperator(/liftoff|wasm-tier|wasm-dynamic-tiering/)) setFlagsFromString('--liftoff-only')
}
