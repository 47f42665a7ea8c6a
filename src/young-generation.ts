// V8 allocates new objects in its young generation (two semi-spaces) and doubles it, up to 16 MB × 2,
// whenever more has survived its scavenges since the last growth than it holds. While the modules load and
// the app is built, nearly everything allocated survives (code, schemas, routes): left alone, start-up
// alone grows the young generation to its maximum, and an idle instance keeps those 32 MB resident until
// V8's memory reducer shrinks them again, ≥ 8 s later and only once nothing is allocated any more.
//
// Holding the growth factor at 1 while starting keeps the young generation at its initial 1 MB × 2 (what
// survives start-up is promoted to the old generation, where it lives anyway). Once the server listens the
// default factor (2) applies again, up to 8 MB × 2: a check after each collection holds the factor at 1
// while the young generation is that large (V8 may shrink it when idle; it can then grow back). Under load V8 would
// take 16 MB × 2; what qiao keeps per request is short-lived, so the larger half saves scavenges that cost
// little, and costs up to 16 MB of resident memory at every peak (256 open streams: ~125 → ~108 MB).
// V8 reads the factor at each growth, which is why setting it at run time takes effect; the maximum itself
// (--max-semi-space-size) is fixed when the heap is set up.
import { PerformanceObserver } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { givenByOperator } from './node-flags.js'

const FLAG = 'semi-space-growth-factor'
/** V8's default (flag-definitions.h), the same in the V8 of every Node version qiao supports. */
const DEFAULT_FACTOR = 2
/** Both semi-spaces, as V8 reports the new space's size. */
const SERVING_CAP_BYTES = 2 * 8 * 1024 * 1024

/**
 * Keeps the young generation at its initial size until the returned function is called (once listening),
 * then lets it grow up to the serving cap.
 */
export function holdYoungGeneration (): () => void {
  if (givenByOperator(new RegExp(FLAG))) return () => {}
  setFlagsFromString(`--${FLAG}=1`)
  let released = false
  return () => {
    if (released) return
    released = true
    // An operator who sized the semi-spaces keeps that size as the limit.
    if (givenByOperator(/semi-space-size/)) setFlagsFromString(`--${FLAG}=${DEFAULT_FACTOR}`)
    else capYoungGeneration()
  }
}

function newSpaceBytes (): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_size
  return 0
}

/** After each collection (V8 grows or shrinks the young generation only then), the factor for the next. */
function capYoungGeneration (): void {
  let factor = 0
  const check = (): void => {
    const wanted = newSpaceBytes() >= SERVING_CAP_BYTES ? 1 : DEFAULT_FACTOR
    if (wanted === factor) return
    factor = wanted
    setFlagsFromString(`--${FLAG}=${wanted}`)
  }
  check()
  new PerformanceObserver(check).observe({ entryTypes: ['gc'] })
}
