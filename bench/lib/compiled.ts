// The measured processes run as compiled JavaScript on plain node, as `npm start` runs qiao: under the tsx
// loader each process carries the TypeScript compiler (~40 MB more RSS, seconds of start-up CPU).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './procs.js'

/** Compile src, plugins and bench into dist/ (tsconfig.bench.json), then bundle dist/src as `npm run build`
 * does (scripts/bundle.js); throws with the tools' output on failure. */
export function compileForBench (): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  for (const args of [[tsc, '-p', 'tsconfig.bench.json'], [join(ROOT, 'scripts', 'bundle.js')]]) {
    const out = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' })
    if (out.status !== 0) throw new Error(`${args.join(' ')} failed:\n${out.stdout}${out.stderr}`)
  }
}

/** The compiled entry of a bench script: `benchScript('serve')` → dist/bench/serve.js. */
export const benchScript = (name: string): string => join('dist', 'bench', `${name}.js`)
