// src/server.ts as the workers suite runs it, with the guard every benchmark child has: when the benchmark
// goes away (its stdin pipe closes), however it died, the primary gets SIGTERM and stops its workers.
import cluster from 'node:cluster'

if (cluster.isPrimary && process.env['BENCH_PARENT_WATCH'] === '1') {
  process.stdout.on('error', () => {})
  process.stdin.once('close', () => { process.kill(process.pid, 'SIGTERM') }).resume()
}
await import('../src/server.js')
