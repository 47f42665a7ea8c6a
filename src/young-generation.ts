// V8 allocates new objects in its young generation (two semi-spaces) and doubles it, up to 16 MB × 2,
// whenever more has survived its scavenges since the last growth than it holds. While the modules load and
// the app is built, nearly everything allocated survives (code, schemas, routes): left alone, start-up
// alone grows the young generation to its maximum, and an idle instance keeps those 32 MB resident until
// V8's memory reducer shrinks them again, ≥ 8 s later and only once nothing is allocated any more.
//
// Holding the growth factor at 1 while starting keeps the young generation at its initial 1 MB × 2 (what
// survives start-up is promoted to the old generation, where it lives anyway). Once the server listens the
// default factor (2) applies again, so under load the young generation grows exactly as it did before.
// V8 reads the factor at each growth, which is why setting it at run time takes effect.
import { setFlagsFromString } from 'node:v8'

const FLAG = 'semi-space-growth-factor'
/** V8's default (flag-definitions.h), the same in the V8 of every Node version qiao supports. */
const DEFAULT_FACTOR = 2

/** An operator who set the factor (node flag or NODE_OPTIONS) keeps it: nothing is changed then. */
function setByOperator (): boolean {
  const given = [...process.execArgv, process.env['NODE_OPTIONS'] ?? '']
  return given.some((arg) => arg.replace(/_/g, '-').includes(FLAG))
}

/** Keeps the young generation at its initial size until the returned function is called (once listening). */
export function holdYoungGeneration (): () => void {
  if (setByOperator()) return () => {}
  setFlagsFromString(`--${FLAG}=1`)
  let released = false
  return () => {
    if (released) return
    released = true
    setFlagsFromString(`--${FLAG}=${DEFAULT_FACTOR}`)
  }
}
