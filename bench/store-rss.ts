// Resident memory of qiao's in-process embedding store under insert/evict load (issue "Speed II"): one
// qiao per store bound (and one without a cache, as the baseline), each sent distinct inputs until its
// store has filled and evicted many times over, a quarter of them asked again in the other encoding so
// entries carry both answers. Reports peak and settled RSS against maxBytes, and the store's own count.
//   node_modules/.bin/tsx bench/store-rss.ts [--max 32,128] [--seconds 40] [--conc 16] [--settle 10]
// The instances run compiled (dist/bench/store-rss.js --serve <maxBytes>, 0: no cache), as bench/run.ts
// runs qiao, against the benchmark's fake upstream (1536-dim vectors).
import { option } from './lib/args.js'
import { BATCH, EMBED_MODEL, freshText } from './lib/bodies.js'
import { benchScript, compileForBench } from './lib/compiled.js'
import { cannon } from './lib/load.js'
import { rssBytes } from './lib/proc-stats.js'
import { installExitHandlers, sleep, startAnnounced, stopAll, stopChild } from './lib/procs.js'

const MB = 1024 * 1024

if (process.argv.includes('--serve')) await serve(Number(process.argv[process.argv.indexOf('--serve') + 1]))
else await main()

async function serve (maxBytes: number): Promise<void> {
  const [{ holdYoungGeneration }, { useWasmBaselineCompiler }] = await Promise.all([import('../src/young-generation.js'), import('../src/wasm-baseline.js')])
  const release = holdYoungGeneration()
  useWasmBaselineCompiler()
  const [[{ buildApp }, { mergeWithDefaults, validateConfig }], { benchConfig }, { announce, onStop }] = await Promise.all([
    import('./lib/app-modules.js').then(async ({ appModules }) => await appModules()), import('./lib/qiao-config.js'), import('./lib/child.js')])
  const base = benchConfig(process.env['BENCH_UPSTREAM_URL'] ?? '', { metrics: false })
  const cache = { embeddings: maxBytes > 0 ? { enabled: true, timeout: '1s', maxBytes } : { enabled: false } }
  const app = await buildApp(validateConfig(mergeWithDefaults({ ...base, cache }), 'store-rss'), { logger: false })
  // What the store counts and, where it can tell, what its slabs occupy.
  app.get('/__store', async () => {
    const tier = app.embeddingCache?.store.tier as { sizeBytes: number, size: number, residentBytes?: number } | undefined
    const { heapTotal, arrayBuffers } = process.memoryUsage()
    return { sizeBytes: tier?.sizeBytes ?? 0, entries: tier?.size ?? 0, residentBytes: tier?.residentBytes ?? null, heapTotal, arrayBuffers }
  })
  onStop(async () => { await app.close() })
  await app.listen({ host: '127.0.0.1', port: 0 })
  release()
  const address = app.server.address()
  announce({ port: typeof address === 'object' && address !== null ? address.port : 0 })
}

async function main (): Promise<void> {
  installExitHandlers()
  const bounds = (option('--max') ?? '32,128').split(',').map((mb) => Number(mb) * MB)
  const seconds = Number(option('--seconds') ?? 40)
  const connections = Number(option('--conc') ?? 16)
  const settle = Number(option('--settle') ?? 10)
  compileForBench()
  const fake = await startAnnounced('fake upstream', process.execPath, [benchScript('fake-upstream')])
  const rows: string[] = []
  for (const maxBytes of [0, ...bounds]) {
    const { child, url } = await startAnnounced(`qiao ${maxBytes}`, process.execPath, [benchScript('store-rss'), '--serve', String(maxBytes)],
      { env: { ...process.env, BENCH_UPSTREAM_URL: fake.url, NODE_ENV: 'production' } })
    await sleep(1000)
    const idle = rssBytes(child.pid)
    let peak = idle
    const sampler = setInterval(() => { peak = Math.max(peak, rssBytes(child.pid)) }, 50)
    const recent: string[] = []
    let n = 0
    const body = (): string => {
      const input = Array.from({ length: BATCH }, (_, i) => i < BATCH / 4 && recent.length > 0 ? recent[(n * 7 + i * 131) % recent.length] as string : freshText())
      for (const text of input.slice(BATCH / 4)) recent[n++ % 512] = text
      return JSON.stringify({ model: EMBED_MODEL, input, encoding_format: n % 2 === 0 ? 'float' : 'base64' })
    }
    const run = await cannon({ url, path: '/v1/embeddings', body, connections, seconds })
    clearInterval(sampler)
    const loaded = rssBytes(child.pid)
    await sleep(settle * 1000)
    const settled = rssBytes(child.pid)
    const store = await (await fetch(`${url}/__store`)).json() as { sizeBytes: number, entries: number, residentBytes: number | null, heapTotal: number, arrayBuffers: number }
    await stopChild(child)
    const inputs = run.ok * BATCH
    const mb = (bytes: number): string => (bytes / MB).toFixed(1)
    rows.push([maxBytes === 0 ? 'no cache' : `${mb(maxBytes)} MB`, inputs, run.non2xx + run.errors, mb(idle), mb(peak), mb(loaded), mb(settled),
      maxBytes === 0 ? '–' : `${mb(store.sizeBytes)} (${store.entries})`, store.residentBytes === null ? '–' : mb(store.residentBytes),
      mb(store.heapTotal), mb(store.arrayBuffers)].join(' | '))
    process.stderr.write(`${rows.at(-1) ?? ''}\n`)
  }
  await stopAll()
  console.log(`${seconds} s of load, ${connections} connections, ${BATCH} inputs per request (3/4 new), settled after ${settle} s idle; MB = MiB\n`)
  console.log('| maxBytes | inputs sent | failed | RSS idle | RSS peak | RSS at end of load | RSS settled | store counts (entries) | slabs | V8 heap | ArrayBuffers |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const row of rows) console.log(`| ${row} |`)
}
