// The child side of lib/procs.ts: announce the port, stop on SIGTERM/SIGINT, and stop when the benchmark
// goes away (its stdin pipe closes), even if it was killed before it could stop us.

/** Runs `stop` once, on SIGTERM, SIGINT, or when the parent bench process is gone (then `onOrphaned` first). */
export function onStop (stop: () => Promise<void> | void, onOrphaned?: () => void): void {
  let stopping = false
  const once = (): void => {
    if (stopping) return
    stopping = true
    Promise.resolve().then(stop).then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGTERM', once)
  process.once('SIGINT', once)
  if (process.env['BENCH_PARENT_WATCH'] === '1') {
    // A closed stdout is expected then, not a crash.
    process.stdout.on('error', () => {})
    process.stdin.once('close', () => { onOrphaned?.(); once() }).resume()
  }
}

export function announce (info: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(info) + '\n')
}
