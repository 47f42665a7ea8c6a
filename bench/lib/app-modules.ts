// qiao's app and config modules for the benchmark's instances, as `npm start` runs them: from the bundle
// (dist/bundle/, made by compileForBench), which holds ~7 MB less resident than the ~1,000 files of dist/src.
// BENCH_UNBUNDLED=1 (and profile mode, whose summary groups time by source file) loads dist/src instead.
import { existsSync } from 'node:fs'

type AppModule = typeof import('../../src/app.js')
type ConfigModule = typeof import('../../src/config/load.js')

export async function appModules (): Promise<[AppModule, ConfigModule]> {
  // This file runs as dist/bench/lib/app-modules.js.
  const bundle = new URL('../../bundle/', import.meta.url)
  if (process.env['BENCH_UNBUNDLED'] !== '1' && existsSync(new URL('app.js', bundle))) {
    return await Promise.all([import(new URL('app.js', bundle).href) as Promise<AppModule>, import(new URL('config-load.js', bundle).href) as Promise<ConfigModule>])
  }
  return await Promise.all([import('../../src/app.js'), import('../../src/config/load.js')])
}
