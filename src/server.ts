// Process entry: load config, build the app, listen, and drain in-flight requests on SIGTERM/SIGINT.
// The app's modules are imported only once the young generation is held (see young-generation.ts); a
// primary that only forks workers never loads them.
import { isPrimary, runPrimary, workerCount } from './workers.js'
import { useWasmBaselineCompiler } from './wasm-baseline.js'
import { holdYoungGeneration } from './young-generation.js'

async function main (): Promise<void> {
  const releaseYoungGeneration = holdYoungGeneration()
  useWasmBaselineCompiler()
  const { ConfigError, loadConfig } = await import('./config/load.js')
  let loaded
  try {
    loaded = loadConfig({ argv: process.argv.slice(2), env: process.env })
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`qiao: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
  const { config, source } = loaded
  const workers = workerCount(config, process.argv.slice(2))
  if (workers > 1 && isPrimary()) {
    releaseYoungGeneration()
    runPrimary(workers, (msg) => { process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), pid: process.pid, msg })}\n`) })
    return
  }
  const [{ buildApp }, { loggerOptions }, { durationMs }, { default: closeWithGrace }] = await Promise.all([
    import('./app.js'), import('./logger-options.js'), import('./config/duration.js'), import('close-with-grace')
  ])
  const app = await buildApp(config, { logger: loggerOptions(config) })

  closeWithGrace({ delay: durationMs(config.server.shutdownTimeout) + 5_000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })

  await app.listen({ host: config.server.host, port: config.server.port })
  releaseYoungGeneration()
  const served = await app.modelRouter.list()
  app.log.info({
    config: source,
    providers: config.providers.map((p) => `${p.id} (${p.type})`),
    models: served.map((m) => m.id)
  }, `serving ${served.length} models from ${config.providers.length} providers`)
  app.pricing.warnUnpriced(served)
}

main().catch((err: unknown) => {
  process.stderr.write(`qiao: failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
