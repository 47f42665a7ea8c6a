// qiao for the benchmark, in its own process: an `ollama` provider pointing at the fake upstream,
// the embedding cache over Redis when BENCH_REDIS_URL is set (else in memory), no logging
// (BENCH_QIAO_LOG=warn writes qiao's JSON log lines at that level to stderr, to diagnose a run).
// Listens on 127.0.0.1:0 and prints {"port":N} on stdout; SIGTERM closes the app and exits
// (a clean exit is what lets --cpu-prof write its profile).
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { mergeWithDefaults, validateConfig } from '../src/config/load.js'

const upstream = process.env['BENCH_UPSTREAM_URL']
const redisUrl = process.env['BENCH_REDIS_URL']
if (upstream === undefined || upstream === '') {
  process.stderr.write('bench/serve: BENCH_UPSTREAM_URL is required\n')
  process.exit(2)
}

const config = validateConfig(mergeWithDefaults({
  server: { host: '127.0.0.1', port: 0 },
  log: { level: 'silent' },
  providers: [{ id: 'ollama', type: 'ollama', baseUrl: upstream, models: ['nomic-embed-text'] }],
  ...(redisUrl !== undefined && redisUrl !== '' ? { redis: { url: redisUrl, keyPrefix: 'bench:' } } : {}),
  // The store timeout is raised from the 50 ms default: on this shared 2-core box a descheduled qiao wakes
  // up with the timer already due, trips the cache's circuit for 5 s, and a "100 % hit" run measures misses.
  // BENCH_CACHE_TIMEOUT=50ms measures the default.
  cache: { embeddings: { enabled: true, timeout: process.env['BENCH_CACHE_TIMEOUT'] ?? '1s' } }
}), 'bench/serve')

// Started by bench/run.ts: stop when it goes away, even if it was killed before it could stop us (and
// even while we are still starting), and take its private redis-server along: redis-server cannot
// watch its parent. A closed stdout is then expected, not a crash.
const started: { app?: FastifyInstance } = {}
let closing = false
const stop = (): void => {
  if (closing) return
  closing = true
  if (started.app === undefined) process.exit(0)
  started.app.close().then(() => process.exit(0), () => process.exit(1))
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
if (process.env['BENCH_PARENT_WATCH'] === '1') {
  process.stdout.on('error', () => {})
  process.stdin.once('close', () => {
    const redisPid = Number(process.env['BENCH_REDIS_PID'])
    if (Number.isInteger(redisPid) && redisPid > 0) {
      try { process.kill(redisPid, 'SIGTERM') } catch {}
    }
    stop()
  }).resume()
}

const logLevel = process.env['BENCH_QIAO_LOG']
const app = started.app = await buildApp(config, { logger: logLevel !== undefined && logLevel !== '' ? { level: logLevel, stream: process.stderr } : false })
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0
process.stdout.write(JSON.stringify({ port, store: app.embeddingCache?.store.kind ?? 'none', redis: app.redis?.status ?? 'disabled' }) + '\n')
