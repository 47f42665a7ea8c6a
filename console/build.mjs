// Bundles the console (Preact + uPlot) into dist/console/: content-hashed assets, so that they can be cached
// for a year, and an index.html naming them, which is never cached. Everything is local: no CDN.
import { build } from 'esbuild'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

/** Builds into `outdir` (default: dist/console at the top level); returns the bundle's total bytes. */
export async function buildConsole (outdir = fileURLToPath(new URL('../dist/console/', import.meta.url))) {
  await rm(outdir, { recursive: true, force: true })
  await mkdir(outdir, { recursive: true })
  const result = await build({
    entryPoints: [`${here}src/main.tsx`],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir,
    entryNames: 'app-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning'
  })
  const outputs = Object.entries(result.metafile.outputs)
  const js = outputs.find(([path]) => path.endsWith('.js'))
  const css = outputs.find(([path]) => path.endsWith('.css'))
  if (js === undefined || css === undefined) throw new Error('console build: no JS or CSS output')
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>qiao console</title><link rel="stylesheet" href="/console/${basename(css[0])}"></head>
<body><div id="app"></div><script type="module" src="/console/${basename(js[0])}"></script></body></html>
`
  await writeFile(`${outdir}/index.html`, html)
  return outputs.reduce((sum, [, output]) => sum + output.bytes, 0)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildConsole()
  process.stdout.write(`console: ${(bytes / 1024).toFixed(1)} KiB in dist/console/\n`)
}
