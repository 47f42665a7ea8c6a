// qiao for the benchmark, in its own process: an `ollama` provider pointing at the fake upstream,
// the embedding cache over Redis when BENCH_REDIS_URL is set (else in memory), no logging.
// Listens on 127.0.0.1:0 and prints {"port":N} on stdout; SIGTERM closes the app and exits
// (a clean exit is what lets --cpu-prof write its profile).
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
  cache: { embeddings: { enabled: true } }
}), 'bench/serve')

const app = await buildApp(config, { logger: false })
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0
process.stdout.write(JSON.stringify({ port, store: app.embeddingCache?.store.kind ?? 'none', redis: app.redis?.status ?? 'disabled' }) + '\n')

let closing = false
const stop = (): void => {
  if (closing) return
  closing = true
  app.close().then(() => process.exit(0), () => process.exit(1))
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
