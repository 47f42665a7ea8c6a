// The measured processes run as compiled JavaScript on plain node, as `npm start` runs qiao: under the tsx
// loader each process carries the TypeScript compiler (~40 MB more RSS, seconds of start-up CPU).
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './procs.js'

/** Compile src, plugins and bench into dist/ (tsconfig.bench.json); throws with tsc's output on failure. */
export function compileForBench (): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const out = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.bench.json'], { cwd: ROOT, encoding: 'utf8' })
  if (out.status !== 0) throw new Error(`tsc -p tsconfig.bench.json failed:\n${out.stdout}${out.stderr}`)
}

/** The compiled entry of a bench script: `benchScript('serve')` → dist/bench/serve.js. */
export const benchScript = (name: string): string => join('dist', 'bench', `${name}.js`)
