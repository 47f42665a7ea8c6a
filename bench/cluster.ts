// Several qiao processes against one real Redis Cluster (issue 17): req/s and Redis commands per request,
// per endpoint. Not a test: nothing asserts. Starts a 3-master Redis Cluster (test/fixtures/redis-cluster.ts),
// the fake upstream and N qiao processes (`node dist/src/server.js`, as `npm start`), each on its own loopback
// port, all with `redis.cluster`, a key with rpm and token-budget limits (never reached: the limiter's Redis
// path runs on every request) and the embedding cache on. Each endpoint gets a discarded warm-up, then a run
// with one autocannon per qiao process (all in this process, so every process gets the same connections),
// with INFO commandstats/errorstats of every master read just before and after. Prints a Markdown table and
// writes the "Redis Cluster, several replicas (issue 17)" section of bench/RESULTS.md.
//
//   npx tsx bench/cluster.ts [--replicas 3] [--duration 5] [--warmup 2] [--connections 10] [--no-build] [--no-write]
//
// --connections is per qiao process. Every process it started is stopped at the end, on an error, and on
// Ctrl-C / SIGTERM.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ENV_OVERRIDES, OLLAMA_BASE_URL_ENV } from '../src/config/env-map.js'
import type { ConfigInput } from '../src/config/schema.js'
import { startRedisCluster } from '../test/fixtures/redis-cluster.js'
import { BATCH, CHAT_MODEL, chatBody, embedBody, fresh, HOT } from './lib/bodies.js'
import { benchScript, compileForBench } from './lib/compiled.js'
import { cannon, type CannonOptions, type CannonResult } from './lib/load.js'
import { children, freePort, ROOT, sleep, startAnnounced, startChild, stopAll, type Child } from './lib/procs.js'
import { delta, snapshot, writeSection, type Delta } from './lib/redis-stats.js'
import { fmt, mdTable, pct, positive } from './lib/stats.js'
import { benchConfig } from './lib/qiao-config.js'
import { flag, option } from './lib/args.js'

const HEADING = '## Redis Cluster, several replicas (issue 17)'
const MASTERS = 3
const KEY = 'sk-bench-cluster-key-0001'
const MASTER_KEY = 'bench-cluster-master-key'

// ---------- options ----------

const REPLICAS = Math.round(positive(option('--replicas'), 3))
const DURATION = positive(option('--duration'), 5)
const WARMUP = positive(option('--warmup'), 2)
/** The first warm-up also settles each fresh process's JIT. */
const COLD = 3
const CONNECTIONS = Math.round(positive(option('--connections'), 10))
const COMMAND = `npx tsx bench/cluster.ts ${process.argv.slice(2).join(' ')}`.trim()

const log = (line: string): void => { process.stdout.write(line + '\n') }
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ')

// ---------- clean-up, however the run ends ----------

const teardowns: Array<() => unknown> = []
const tmp = mkdtempSync(join(tmpdir(), 'qiao-bench-cluster-'))
let cleaning: Promise<void> | undefined
async function cleanup (): Promise<void> {
  cleaning ??= (async () => {
    await stopAll()
    for (const fn of teardowns.splice(0).reverse()) {
      try { await fn() } catch (err) { log(`clean-up: ${(err as Error).message}`) }
    }
    rmSync(tmp, { recursive: true, force: true })
  })()
  await cleaning
}
process.stdout.on('error', () => {})
// Last resort (an exit nobody awaited): signals go out synchronously; the fixture's stop() SIGKILLs its
// redis-servers before its first await.
process.on('exit', () => {
  for (const child of children) child.proc.kill('SIGTERM')
  for (const fn of teardowns) {
    try { Promise.resolve(fn()).catch(() => {}) } catch {}
  }
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping every process started…`)
    cleanup().finally(() => process.exit(130))
  })
}

// ---------- qiao's log: warnings and errors, by endpoint ----------

let phase = 'start-up'
const logLines = new Map<string, number>()
function watchLog (child: Child, name: string): void {
  let tail = ''
  const onData = (chunk: Buffer): void => {
    const lines = (tail + chunk.toString()).split('\n')
    tail = lines.pop() ?? ''
    for (const line of lines) {
      if (line.trim() === '') continue
      let text = line.slice(0, 300)
      try {
        const entry = JSON.parse(line) as { level?: number, msg?: string, err?: { message?: string } }
        if ((entry.level ?? 0) < 40) continue
        text = `${entry.level === 40 ? 'WARN' : 'ERROR'} ${entry.msg ?? ''}${entry.err?.message !== undefined ? `: ${entry.err.message}` : ''}`.slice(0, 300)
      } catch {}
      const key = `[${phase}] ${name}: ${text}`
      logLines.set(key, (logLines.get(key) ?? 0) + 1)
    }
  }
  child.proc.stdout?.on('data', onData)
  child.proc.stderr?.on('data', onData)
}

// ---------- endpoints ----------

interface Endpoint {
  id: string
  label: string
  load: Omit<CannonOptions, 'url' | 'seconds' | 'connections'>
  /** One request's answer checked: undefined when right, else what was wrong. */
  check: (res: Response, body: string) => string | undefined
  /** Shown with the probe, e.g. the cache outcome. */
  note?: (res: Response) => string
}

const auth = { authorization: `Bearer ${KEY}` }
const json = (body: string): Record<string, unknown> => { try { return JSON.parse(body) as Record<string, unknown> } catch { return {} } }
const dataLength = (body: string): number => { const d = json(body)['data']; return Array.isArray(d) ? d.length : -1 }

const ENDPOINTS: Endpoint[] = [
  {
    id: 'chat',
    label: 'chat, non-streaming',
    load: { path: '/v1/chat/completions', body: chatBody(CHAT_MODEL, false), headers: auth },
    check: (_res, body) => Array.isArray(json(body)['choices']) ? undefined : 'no choices',
    note: (res) => `x-ratelimit-remaining-requests: ${res.headers.get('x-ratelimit-remaining-requests') ?? 'absent'}`
  },
  {
    id: 'stream',
    label: 'chat, streaming (50 chunks)',
    load: { path: '/v1/chat/completions', body: chatBody(CHAT_MODEL, true), headers: auth },
    check: (_res, body) => !body.includes('data: [DONE]') ? 'no [DONE]' : body.includes('data: {"error"') ? 'error event' : undefined
  },
  {
    id: 'embed-hit',
    label: `embeddings, ${BATCH} cached inputs`,
    load: { path: '/v1/embeddings', body: embedBody(HOT, 'base64'), headers: auth },
    check: (_res, body) => dataLength(body) === BATCH ? undefined : `data has ${dataLength(body)} items`,
    note: (res) => `x-qiao-cache: ${res.headers.get('x-qiao-cache') ?? 'absent'} (${res.headers.get('x-qiao-cache-hits') ?? '?'})`
  },
  {
    id: 'embed-miss',
    label: `embeddings, ${BATCH} new inputs`,
    load: { path: '/v1/embeddings', body: () => embedBody(fresh(BATCH), 'base64'), headers: auth },
    check: (_res, body) => dataLength(body) === BATCH ? undefined : `data has ${dataLength(body)} items`,
    note: (res) => `x-qiao-cache: ${res.headers.get('x-qiao-cache') ?? 'absent'}`
  },
  {
    id: 'models',
    label: 'GET /v1/models',
    load: { path: '/v1/models', method: 'GET', headers: auth },
    check: (_res, body) => dataLength(body) > 0 ? undefined : 'no models'
  }
]

/** One request to each qiao: status and body checked. */
async function probe (urls: string[], e: Endpoint): Promise<string[]> {
  return await Promise.all(urls.map(async (url, i) => {
    const body = e.load.body
    try {
      const res = await fetch(url + e.load.path, {
        method: e.load.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...e.load.headers },
        ...(body === undefined ? {} : { body: typeof body === 'function' ? body() : body })
      })
      const text = await res.text()
      const wrong = res.status < 200 || res.status >= 300 ? `HTTP ${res.status}: ${text.slice(0, 200)}` : e.check(res, text)
      return `qiao ${i + 1}: ${wrong === undefined ? 'ok' : `**${wrong}**`}${e.note !== undefined ? `, ${e.note(res)}` : ''}`
    } catch (err) {
      return `qiao ${i + 1}: **${(err as Error).message}**`
    }
  }))
}

/** One autocannon per qiao, all at once, `CONNECTIONS` each. */
const spread = async (urls: string[], e: Endpoint, seconds: number): Promise<CannonResult[]> =>
  await Promise.all(urls.map(async (url) => await cannon({ ...e.load, url, connections: CONNECTIONS, seconds })))

interface Row {
  e: Endpoint
  runs: CannonResult[]
  redis: Delta
  probes: string[]
}

// ---------- start-up ----------

async function waitReady (url: string, child: Child): Promise<void> {
  const deadline = Date.now() + 30_000
  let last = ''
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited (${child.proc.exitCode})\n${child.stderr()}`)
    try {
      const res = await fetch(`${url}/readyz`)
      last = await res.text()
      const ready = json(last) as { status?: string, redis?: { topology?: string, state?: string } }
      if (ready.status === 'ok' && ready.redis?.topology === 'cluster' && ready.redis.state === 'up') return
    } catch {}
    await sleep(200)
  }
  throw new Error(`${child.name} not ready with the cluster up within 30 s; last /readyz: ${last.slice(0, 500)}`)
}

function qiaoConfig (upstream: string, cluster: string[]): ConfigInput {
  const base = benchConfig(upstream)
  return {
    ...base,
    log: { level: 'warn' },
    redis: { cluster, keyPrefix: 'bench:' },
    auth: { masterKey: MASTER_KEY, allowAnonymous: false },
    // Limits far above what a run sends: every request goes through the limiter's Redis path, none is refused.
    keys: [{ id: 'bench', key: KEY, rpm: 1_000_000_000, budget: { tokens: 1_000_000_000_000, period: 'day' } }]
  }
}

/** The environment of a qiao process: nothing of ours that would override its config file. */
function qiaoEnv (configFile: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of [...Object.keys(ENV_OVERRIDES), OLLAMA_BASE_URL_ENV]) delete env[name]
  return { ...env, QIAO_CONFIG: configFile, PORT: String(port), NODE_ENV: 'production' }
}

// ---------- report ----------

const perReq = (n: number, requests: number): string => requests > 0 ? fmt(n / requests, 2) : 'n/a'

function table (rows: Row[], idle: { delta: Delta, seconds: number }): string {
  const body = rows.map(({ e, runs, redis }) => {
    const seconds = Math.max(...runs.map((r) => r.seconds))
    const ok = runs.reduce((s, r) => s + r.ok, 0)
    const non2xx = runs.reduce((s, r) => s + r.non2xx, 0)
    const errors = runs.reduce((s, r) => s + r.errors, 0)
    const answered = ok + non2xx
    const latencies = runs.flatMap((r) => r.latencies)
    const top = redis.byCommand.slice(0, 4).map(([name, calls]) => `${name} ${perReq(calls, answered)}`).join(' · ')
    const share = redis.total > 0 ? redis.perNode.map((n) => `${Math.round((100 * n) / redis.total)}`).join(' / ') : 'n/a'
    const bad = non2xx + errors + redis.failed > 0
    const errorText = `${bad ? '⚠ ' : ''}${non2xx} / ${errors} / ${redis.failed}${redis.errors.length > 0 ? ` (${redis.errors.map(([k, n]) => `${k} ×${n}`).join(', ')})` : ''}`
    return [
      e.label,
      fmt(ok / seconds, 0),
      runs.map((r) => fmt(r.rps, 0)).join(' / '),
      fmt(pct(latencies, 50), 2),
      fmt(pct(latencies, 99), 2),
      errorText,
      perReq(redis.total, answered),
      top === '' ? '–' : top,
      share,
      answered > 0 ? fmt(redis.usec / answered, 1) : 'n/a'
    ]
  })
  const idleTop = idle.delta.byCommand.slice(0, 4).map(([name, calls]) => `${name} ${fmt(calls / idle.seconds, 2)}/s`).join(' · ')
  body.push(['(idle, no load: commands per second)', '–', '–', '–', '–', String(idle.delta.failed), fmt(idle.delta.total / idle.seconds, 2) + '/s', idleTop === '' ? '–' : idleTop, '–', '–'])
  return mdTable(
    ['endpoint', '>req/s', '>req/s per qiao', '>p50 ms', '>p99 ms', 'non-2xx / socket errors / Redis failed calls', '>Redis cmds/req', 'top commands per req', '>% per master', '>Redis µs/req'],
    body)
}

function breakdown ({ runs, redis }: Row): string {
  const answered = runs.reduce((s, r) => s + r.ok + r.non2xx, 0)
  if (redis.byCommand.length === 0) return 'none'
  return redis.byCommand.map(([name, calls]) => `${name} ${perReq(calls, answered)}`).join(', ') +
    ` (${redis.perNode.map((n) => perReq(n, answered)).join(' / ')})`
}

/** Uncommitted changes under src/ and plugins/: compiled into dist/ with the rest. */
function dirtySources (): string[] {
  const out = execFileSync('git', ['status', '--porcelain', '--', 'src', 'plugins'], { cwd: ROOT, encoding: 'utf8' })
  return out.split('\n').filter((line) => line.trim() !== '').map((line) => line.slice(3))
}

// ---------- the run ----------

async function main (): Promise<void> {
  const startedAt = new Date()
  const loadStart = loadavg()
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  const dirty = dirtySources()
  log(`load average at start: ${loadStart}`)
  if (!flag('--no-build')) {
    log('compiling src, plugins and bench into dist/ (tsconfig.bench.json)…')
    compileForBench()
  }

  const cluster = await startRedisCluster({ teardown: (fn) => { teardowns.push(fn) } }, { masters: MASTERS, replicasPerMaster: 0 })
  const ports = cluster.urls.map((u) => Number(new URL(u).port))
  log(`Redis Cluster: ${MASTERS} masters on ${ports.join(', ')}`)

  const fake = await startAnnounced('fake upstream', process.execPath, [benchScript('fake-upstream')])
  const configFile = join(tmp, 'qiao.json')
  writeFileSync(configFile, JSON.stringify(qiaoConfig(fake.url, cluster.urls), null, 2))

  const urls: string[] = []
  const qiaos: Child[] = []
  for (let i = 0; i < REPLICAS; i++) {
    const port = await freePort()
    const name = `qiao ${i + 1}`
    const child = startChild(name, process.execPath, [join('dist', 'src', 'server.js')], { env: qiaoEnv(configFile, port) })
    watchLog(child, name)
    qiaos.push(child)
    urls.push(`http://127.0.0.1:${port}`)
  }
  await Promise.all(urls.map(async (url, i) => { await waitReady(url, qiaos[i] as Child) }))
  log(`${REPLICAS} qiao processes ready: ${urls.join(', ')}`)

  phase = 'idle'
  const idleBefore = await snapshot(ports)
  const idleStart = performance.now()
  await sleep(DURATION * 1000)
  const idle = { delta: delta(idleBefore, await snapshot(ports)), seconds: (performance.now() - idleStart) / 1000 }

  const rows: Row[] = []
  for (const [i, e] of ENDPOINTS.entries()) {
    phase = e.id
    log(`${e.label}: warm-up ${i === 0 ? WARMUP + COLD : WARMUP} s…`)
    await spread(urls, e, i === 0 ? WARMUP + COLD : WARMUP)
    await sleep(300) // writes the warm-up triggered (cache fills) land before the first reading
    const before = await snapshot(ports)
    const runs = await spread(urls, e, DURATION)
    await sleep(300)
    const redis = delta(before, await snapshot(ports))
    const probes = await probe(urls, e)
    rows.push({ e, runs, redis, probes })
    const ok = runs.reduce((s, r) => s + r.ok, 0)
    log(`  ${fmt(ok / DURATION, 0)} req/s; Redis: ${breakdown(rows[rows.length - 1] as Row)}; probe: ${probes.join('; ')}`)
  }
  phase = 'shutdown'
  const loadEnd = loadavg()

  const tableText = table(rows, idle)
  log('\n' + tableText + '\n')
  const logText = logLines.size === 0
    ? 'qiao logged no warning or error (log level warn).'
    : `qiao's warnings and errors (log level warn; [endpoint] process: line ×count):\n\n${[...logLines].slice(0, 30).map(([line, n]) => `- \`${line.replace(/`/g, "'")}\` ×${n}`).join('\n')}`
  log(logText)

  const section = [
    `Written by \`${COMMAND}\` (bench/cluster.ts; bench/README.md). Not a test: nothing asserts.`,
    '',
    `- Date: ${startedAt.toISOString()}, commit ${head}${dirty.length > 0 ? ` with uncommitted changes in ${dirty.map((f) => `\`${f}\``).join(', ')} (compiled too)` : ''}; Node ${process.version}, redis-server ${execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? '?'}.`,
    `- Redis Cluster of ${MASTERS} masters, no replicas (test/fixtures/redis-cluster.ts); **${REPLICAS} qiao processes** (\`node dist/src/server.js\`, one worker each), ` +
      'all with `redis.cluster` set to the masters, `keyPrefix: bench:`, log level warn; the fake upstream (bench/fake-upstream.ts) behind a `deepseek` provider (chat) and an `ollama` provider (embeddings).',
    '- Streaming is loaded with autocannon (whole-stream latency), as `npm run bench` does: lib/sse-client.ts cannot send the key\'s header; ' +
      'the one-request probe after the run checks that each process\'s stream ends with `data: [DONE]`.',
    '- Every request carries one key with `rpm` 1e9 and a daily token budget of 1e12: the limiter runs on every request and never refuses. ' +
      'Embedding cache on (Redis store, with the default 32 MB in-process tier in front of it), answers in base64.',
    `- Load: one autocannon per qiao process, all in one Node process, ${CONNECTIONS} connections each (${CONNECTIONS * REPLICAS} in all); ` +
      `per endpoint a discarded warm-up of ${WARMUP} s (${WARMUP + COLD} s for the first, fresh processes), then ${DURATION} s measured. ` +
      `"cached inputs": the same ${BATCH} texts each request, cached by the warm-up; "new inputs": ${BATCH} never-sent texts each request.`,
    '- Redis figures: INFO commandstats of every master just before and 0.3 s after each measured run (the benchmark\'s own INFO excluded), ' +
      'divided by the requests answered; "% per master" is how those commands spread over the masters; "Redis µs/req" is Redis\' own time (usec). ' +
      `Background commands (qiao's timers, client slot refreshes, if any) are included; the idle row measures them over ${fmt(idle.seconds, 1)} s with no load.`,
    `- Load average (1 / 5 / 15 min): ${loadStart} at the start, ${loadEnd} at the end. **Every process — ${REPLICAS} qiao, ${MASTERS} redis-servers, the fake upstream and the load generator — shares this machine's 2 cores, unpinned**, ` +
      'and other work on the machine may have been running too: req/s is a lower bound and latencies include waiting for a core. Read the Redis columns, which do not depend on speed, as the result.',
    '',
    tableText,
    '',
    'Errors: non-2xx answers / socket errors and timeouts (autocannon) / Redis calls that failed or were rejected (commandstats), with error replies by kind (errorstats).',
    '',
    'Every Redis command per request answered (all masters; per master in brackets, same order as the table):',
    '',
    ...rows.map((r) => `- ${r.e.label}: ${breakdown(r)}`),
    '',
    'One request per process after each run:',
    '',
    ...rows.map((r) => `- ${r.e.label}: ${r.probes.join('; ')}`),
    '',
    logText
  ].join('\n')
  if (!flag('--no-write')) {
    writeSection(join(ROOT, 'bench', 'RESULTS.md'), 'cluster', HEADING, section)
    log(`written: the "${HEADING.slice(3)}" section of bench/RESULTS.md`)
  }
}

let failed = false
try {
  await main()
} catch (err) {
  failed = true
  log(`bench/cluster: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
} finally {
  await cleanup()
}
process.exit(failed ? 1 : 0)
