// Idle RSS of a freshly started qiao: each tree given with --dir (default: this checkout) is started the way
// its `npm start` script starts it (node directly, not through npm), N times in turn (A/B/A/B), without a
// config file and with one Ollama provider pointed at a fake that lists one model (`--ollama down`: at a
// closed port, so that start-up's model discovery gets no answer and no HTTP response is parsed). VmRSS is
// read from /proc/<pid>/status 3 s and 12 s after the "Server listening" line, with no request in between;
// a bare `node -e` is measured the same way for reference.
//   tsx bench/idle-rss.ts [--dir /tmp/ab/before --dir .] [--runs 6] [--ollama down]
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { option } from './lib/args.js'
import { positive } from './lib/stats.js'
import { rssBytes } from './lib/proc-stats.js'

const argv = process.argv.slice(2)
const dirs = argv.flatMap((arg, i) => arg === '--dir' ? [argv[i + 1] ?? '.'] : arg.startsWith('--dir=') ? [arg.slice(6)] : [])
const trees = (dirs.length > 0 ? dirs : ['.']).map((dir) => resolve(dir))
const runs = positive(option('--runs'), 6)
const AT_S = [3, 12] as const

const ollama = createServer((request, response) => {
  response.setHeader('content-type', 'application/json')
  response.end(request.url === '/api/tags' ? JSON.stringify({ models: [{ name: 'llama3.2:1b', model: 'llama3.2:1b' }] }) : '{}')
})
await new Promise<void>((resolve) => ollama.listen(0, '127.0.0.1', resolve))
const ollamaDown = option('--ollama') === 'down'
// Port 9 (discard) has no listener on a test machine: the connection is refused.
const ollamaUrl = ollamaDown ? 'http://127.0.0.1:9' : `http://127.0.0.1:${(ollama.address() as AddressInfo).port}`

/** `node …` from the tree's `npm start` script, split into node's arguments. */
function startArgs (tree: string): string[] {
  const start = (JSON.parse(readFileSync(`${tree}/package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start
  const words = start.split(/\s+/)
  if (words[0] !== 'node') throw new Error(`${tree}: npm start does not run node directly: ${start}`)
  return words.slice(1)
}

function cleanEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|NODE_OPTIONS$|QIAO_|REDIS_URL$|HOST$|PORT$|LOG_LEVEL$|[A-Z]+_API_KEY$|[A-Z]+_BASE_URL$)/.test(key)) env[key] = value
  }
  return { ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', OLLAMA_BASE_URL: ollamaUrl }
}

interface Sample { startMs: number, rss: number[] }

/** Starts `node args` in `cwd`; when `ready` is given, waits for a stdout line matching it before the clock starts. */
async function sample (cwd: string, args: string[], ready?: RegExp): Promise<Sample> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<void>((resolve) => child.once('close', () => { resolve() }))
  try {
    if (ready !== undefined) {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          if (ready.test(output)) resolve()
        })
        void exited.then(() => { reject(new Error(`exited before listening:\n${output}`)) })
      })
    } else child.stdout.resume()
    const startMs = performance.now() - started
    const listened = performance.now()
    const rss: number[] = []
    for (const at of AT_S) {
      await sleep(at * 1000 - (performance.now() - listened))
      rss.push(rssBytes(child.pid ?? 0))
    }
    return { startMs, rss }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

const MB = 1024 * 1024
const results = new Map<string, Sample[]>()
const add = (name: string, s: Sample): void => { results.set(name, [...(results.get(name) ?? []), s]) }
for (let round = 0; round < runs; round++) {
  for (const tree of trees) {
    const s = await sample(tree, startArgs(tree), /Server listening/)
    add(tree, s)
    process.stderr.write(`round ${round + 1} ${tree}: ${s.rss.map((b) => (b / MB).toFixed(1)).join(' / ')} MB, listening after ${s.startMs.toFixed(0)} ms\n`)
  }
}
add('bare node -e', await sample(process.cwd(), ['-e', 'setInterval(() => {}, 60_000)']))
ollama.close()

const stat = (values: number[], digits: number, scale = 1): string => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] as number : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2
  return [sorted[0] as number, mid, sorted[sorted.length - 1] as number].map((n) => (n / scale).toFixed(digits)).join(' / ')
}
process.stdout.write(`| tree | runs | VmRSS at ${AT_S[0]} s, MB (min / median / max) | at ${AT_S[1]} s | start → listening, ms |\n|---|---:|---:|---:|---:|\n`)
for (const [name, samples] of results) {
  const at = (i: number): string => stat(samples.map((s) => s.rss[i] as number), 1, MB)
  const start = name === 'bare node -e' ? '–' : stat(samples.map((s) => s.startMs), 0)
  process.stdout.write(`| ${name} | ${samples.length} | ${at(0)} | ${at(1)} | ${start} |\n`)
}
