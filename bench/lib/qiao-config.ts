// The qiao config every benchmark instance runs with: bench/serve.ts builds the app from it in code, and the
// workers suite writes it to a file for src/server.ts.
import type { ConfigInput } from '../../src/config/schema.js'
import { CHAT_MODELS, EMBED_MODEL } from './bodies.js'

const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === '' ? undefined : value
}

export function benchConfig (upstreamUrl: string, options: { redisUrl?: string | undefined, metrics?: boolean, port?: number } = {}): ConfigInput {
  return {
    server: { host: '127.0.0.1', port: options.port ?? 0 },
    log: { level: 'silent' },
    providers: [
      { id: 'deepseek', type: 'deepseek', baseUrl: upstreamUrl, apiKey: 'sk-bench-not-a-real-key', models: CHAT_MODELS },
      { id: 'ollama', type: 'ollama', baseUrl: upstreamUrl, models: [EMBED_MODEL] }
    ],
    ...(options.redisUrl !== undefined ? { redis: { url: options.redisUrl, keyPrefix: 'bench:' } } : {}),
    // The store timeout is raised from the 50 ms default: on this shared 2-core box a descheduled qiao wakes
    // up with the timer already due, trips the cache's circuit for 5 s, and a "100 % hit" run measures misses.
    // BENCH_CACHE_TIMEOUT=50ms measures the default. The memory store is bounded at 64 MB so that miss-path
    // runs do not inflate the RSS seen by later workloads.
    cache: { embeddings: { enabled: true, timeout: env('BENCH_CACHE_TIMEOUT') ?? '1s', maxBytes: 64 * 1024 * 1024 } },
    metrics: { enabled: options.metrics ?? true, auth: false }
  }
}
