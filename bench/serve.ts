// qiao for the benchmark, in its own process: a `deepseek` provider (chat) and an `ollama` provider
// (embeddings) both pointing at the fake upstream, the embedding cache over Redis when BENCH_REDIS_URL is
// set (else in memory), no logging (BENCH_QIAO_LOG=warn writes qiao's JSON log lines at that level to
// stderr, to diagnose a run), metrics on unless BENCH_METRICS=0.
// Listens on 127.0.0.1:0 and prints {"port":N,…} on stdout; SIGTERM closes the app and exits
// (a clean exit is what lets --cpu-prof write its profile).
// It starts as src/server.ts does, from the bundle `npm start` runs (lib/app-modules.ts): the young generation held while the app's modules load and it is built,
// llhttp compiled by Liftoff alone.
import type { FastifyInstance } from 'fastify'
import { holdYoungGeneration } from '../src/young-generation.js'
import { useWasmBaselineCompiler } from '../src/wasm-baseline.js'
import { appModules } from './lib/app-modules.js'
import { announce, onStop } from './lib/child.js'
import { benchConfig } from './lib/qiao-config.js'

const releaseYoungGeneration = holdYoungGeneration()
useWasmBaselineCompiler()
const [{ buildApp }, { mergeWithDefaults, validateConfig }] = await appModules()

const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}
const upstream = env('BENCH_UPSTREAM_URL')
const redisUrl = env('BENCH_REDIS_URL')
if (upstream === undefined) {
  process.stderr.write('bench/serve: BENCH_UPSTREAM_URL is required\n')
  process.exit(2)
}

const config = validateConfig(mergeWithDefaults(benchConfig(upstream, { redisUrl, metrics: env('BENCH_METRICS') !== '0' })), 'bench/serve')

// Also take the private redis-server along when the bench dies: redis-server cannot watch its parent.
const started: { app?: FastifyInstance } = {}
onStop(async () => { await started.app?.close() }, () => {
  const redisPid = Number(env('BENCH_REDIS_PID'))
  if (Number.isInteger(redisPid) && redisPid > 0) {
    try { process.kill(redisPid, 'SIGTERM') } catch {}
  }
})

const logLevel = env('BENCH_QIAO_LOG')
const app = started.app = await buildApp(config, { logger: logLevel !== undefined ? { level: logLevel, stream: process.stderr } : false })
await app.listen({ host: '127.0.0.1', port: 0 })
releaseYoungGeneration()
const address = app.server.address()
announce({
  port: typeof address === 'object' && address !== null ? address.port : 0,
  store: app.embeddingCache?.store.kind ?? 'none',
  redis: app.redis?.status ?? 'disabled',
  metrics: config.metrics.enabled
})
