// `npm run bench`: throughput and latency of POST /v1/embeddings through qiao at 0 %, 50 % and 100 %
// cache hits, with the in-memory store and with Redis, against an upstream that answers instantly.
// Not a test: it prints one table, writes bench/RESULTS.md (full runs only), and stops by itself.
// Everything listens on 127.0.0.1; the fake upstream, redis-server and qiao are separate processes.
//
// Env: BENCH_ONLY=memory:100,redis:0 (run only these workloads; ids are printed), BENCH_PROFILE=1
// (qiao runs with --cpu-prof, profiles under bench/profiles/), BENCH_QIAO_LOG=warn (qiao's log lines at
// that level on stderr), BENCH_CACHE_TIMEOUT (qiao's cache.embeddings.timeout, 1s here), BENCH_DURATION /
// BENCH_ROUNDS to change the 5 s per run / 2 rounds.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type AddressInfo } from 'node:net'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CONNECTIONS = 16
const BATCH = 16
const WARMUP_S = 1
const DURATION_S = positive(process.env['BENCH_DURATION'], 5)
const ROUNDS = positive(process.env['BENCH_ROUNDS'], 2)
const PROBE_S = 3
const PROFILE = process.env['BENCH_PROFILE'] === '1'
const ONLY = (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
const PROFILE_DIR = join(ROOT, 'bench', 'profiles')
const MODEL = 'nomic-embed-text'

type Store = 'memory' | 'redis'
type Kind = 'baseline' | '0' | '50' | '100'

interface Workload {
  id: string
  label: string
  target: 'fake' | Store
  kind: Kind
  connections: number
  rounds: number
  seconds: number
}

interface Measured {
  rps: number[]
  latencies: number[]
  cache: Map<string, number>
  non2xx: number
  errors: number
  upstreamInputs: number
  upstreamRequests: number
  requests: number
  sent: number
  /** Share of one core used during the measured runs: qiao, and this process (the load generator). */
  qiaoCpu: number[]
  loadCpu: number[]
  /** qiao's CPU seconds over the measured runs: per request, a steadier guide than req/s on a shared box (contention still inflates it). */
  qiaoCpuSeconds: number
  /** Share of all cores busy with processes that are not this benchmark's (other users of the machine). */
  otherCpu: number[]
}

// ---------- child processes ----------

interface Child {
  name: string
  proc: ChildProcess
  exited: Promise<void>
  stderr: () => string
}

const children: Child[] = []

function startChild (name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cpu: number | undefined): Child {
  const [cmd, argv] = cpu === undefined ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]]
  // taskset execs the command, so the pid we hold is the process we will signal.
  // stdin is a pipe our node children watch: it closes when this process dies, however it dies.
  const proc = spawn(cmd, argv, { cwd: ROOT, env: { ...env, BENCH_PARENT_WATCH: '1' }, stdio: ['pipe', 'pipe', 'pipe'] })
  let err = ''
  proc.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4000)
    // qiao is silent unless BENCH_QIAO_LOG is set or it crashes: show what it says as it says it.
    if (name.startsWith('qiao')) process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `[${name}] `))
  })
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve()
    else proc.once('exit', () => { resolve() })
  })
  const child = { name, proc, exited, stderr: () => err }
  children.push(child)
  return child
}

/** The first stdout line of a child that announces itself as JSON ({"port":N,…}). */
async function announcement (child: Child, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  return await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => { fail(new Error(`${child.name} did not start within ${timeoutMs} ms`)) }, timeoutMs)
    const onData = (chunk: Buffer): void => {
      out += chunk.toString()
      const nl = out.indexOf('\n')
      if (nl < 0) return
      cleanup()
      try {
        resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>)
      } catch {
        reject(new Error(`${child.name} printed ${JSON.stringify(out.slice(0, nl))} instead of its port`))
      }
    }
    const onExit = (): void => { fail(new Error(`${child.name} exited before it started`)) }
    function fail (err: Error): void {
      cleanup()
      reject(new Error(`${err.message}\n${child.stderr()}`))
    }
    function cleanup (): void {
      clearTimeout(timer)
      child.proc.stdout?.off('data', onData)
      child.proc.off('exit', onExit)
    }
    child.proc.stdout?.on('data', onData)
    child.proc.once('exit', onExit)
  })
}

async function stopChild (child: Child): Promise<void> {
  const { proc } = child
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGTERM')
    const timer = setTimeout(() => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL') }, 10_000)
    await child.exited
    clearTimeout(timer)
  }
  children.splice(children.indexOf(child), 1)
}

async function stopAll (): Promise<void> {
  await Promise.all([...children].reverse().map(stopChild))
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => { resolve(port) })
    })
  })
}

async function redisPing (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const done = (ok: boolean): void => { socket.destroy(); resolve(ok) }
    socket.setTimeout(500, () => { done(false) })
    socket.once('error', () => { done(false) })
    socket.once('connect', () => { socket.write('PING\r\n') })
    socket.once('data', (data: Buffer) => { done(data.toString().startsWith('+PONG')) })
  })
}

async function startRedis (cpu: number | undefined): Promise<{ url: string, child: Child }> {
  const port = await freePort()
  const child = startChild('redis-server', 'redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    // 0 %-hit runs write a few hundred MB; evict like a cache instead of growing without bound.
    '--maxmemory', '1gb', '--maxmemory-policy', 'allkeys-lru'
  ], process.env, cpu)
  const deadline = Date.now() + 10_000
  while (!(await redisPing(port))) {
    if (child.proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}\n${child.stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { url: `redis://127.0.0.1:${port}`, child }
}

async function startQiao (store: Store, upstreamUrl: string, redis: { url: string, child: Child } | undefined, cpu: number | undefined): Promise<string> {
  const nodeArgs = ['--import', 'tsx']
  if (PROFILE) {
    mkdirSync(PROFILE_DIR, { recursive: true })
    // Default file names: they carry pid and thread id, and tsx's loader thread writes a profile too.
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', PROFILE_DIR)
  }
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_UPSTREAM_URL: upstreamUrl, NODE_ENV: 'production' }
  if (redis !== undefined) {
    env['BENCH_REDIS_URL'] = redis.url
    env['BENCH_REDIS_PID'] = String(redis.child.proc.pid)
  }
  const child = startChild(`qiao (${store})`, process.execPath, [...nodeArgs, join('bench', 'serve.ts')], env, cpu)
  if (child.proc.pid !== undefined) qiaoPids.set(child.proc.pid, store)
  if (child.proc.pid !== undefined) qiaoPidByStore.set(store, child.proc.pid)
  const info = await announcement(child)
  if (info['store'] !== store) throw new Error(`qiao (${store}) started with the ${String(info['store'])} store (redis: ${String(info['redis'])})`)
  return `http://127.0.0.1:${String(info['port'])}`
}

const qiaoPids = new Map<number, Store>()
const qiaoPidByStore = new Map<Store, number>()
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

/** CPU seconds all cores spent busy so far (everything but idle and iowait), from /proc/stat. */
function busyCpuSeconds (): number {
  const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number)
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
  return (ticks.reduce((a, b) => a + b, 0) - idle) / CLK_TCK
}

/** CPU seconds used so far by this benchmark's child processes (qiao, fake upstream, redis-server). */
function childrenCpuSeconds (): number {
  return children.reduce((sum, child) => {
    const used = cpuSeconds(child.proc.pid)
    return Number.isNaN(used) ? sum : sum + used
  }, 0)
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN when unknown. */
function cpuSeconds (pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they sit at 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
  } catch {
    return Number.NaN
  }
}

/** qiao's main-thread profiles → bench/profiles/qiao-<store>-<pid>.cpuprofile; the loader thread's are dropped. */
function nameProfiles (): string[] {
  const kept: string[] = []
  for (const file of readdirSync(PROFILE_DIR)) {
    const match = /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(file)
    const store = match === null ? undefined : qiaoPids.get(Number(match[1]))
    if (match === null || store === undefined) continue
    if (match[2] !== '0') {
      rmSync(join(PROFILE_DIR, file))
      continue
    }
    const name = `qiao-${store}-${match[1]}.cpuprofile`
    renameSync(join(PROFILE_DIR, file), join(PROFILE_DIR, name))
    kept.push(join('bench', 'profiles', name))
  }
  return kept
}

async function startFake (cpu: number | undefined): Promise<string> {
  const child = startChild('fake upstream', process.execPath, ['--import', 'tsx', join('bench', 'fake-embedding-upstream.ts')], process.env, cpu)
  const info = await announcement(child)
  return `http://127.0.0.1:${String(info['port'])}`
}

// ---------- CPU pinning ----------

function allowedCpus (): number[] {
  const status = readFileSync('/proc/self/status', 'utf8')
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1] ?? ''
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number)
    if (from === undefined || Number.isNaN(from)) return []
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i)
  })
}

/** Load generator (this process, all threads) on CPU 0, qiao on CPU 1, when taskset and both CPUs exist. */
function pin (): { used: boolean, note: string } {
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status !== 0) return { used: false, note: 'not used (taskset not found)' }
  const cpusAllowed = allowedCpus()
  if (!cpusAllowed.includes(0) || !cpusAllowed.includes(1)) return { used: false, note: `not used (CPUs allowed: ${cpusAllowed.join(',') || '?'})` }
  if (spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' }).status !== 0) {
    return { used: false, note: 'not used (taskset could not pin the load generator)' }
  }
  return { used: true, note: 'used: qiao on CPU 1; load generator (autocannon), fake upstream and redis-server on CPU 0' }
}

// ---------- request bodies ----------

const nonce = Date.now().toString(36)
let counter = 0
const freshText = (): string => `bench ${nonce} sentence number ${counter++} about nothing in particular`
const REPEATED = Array.from({ length: BATCH / 2 }, (_, i) => `a repeated sentence ${i} that the cache already holds`)
const HOT = Array.from({ length: BATCH }, (_, i) => `a hot sentence ${i} asked for again and again`)
const fresh = (n: number): string[] => Array.from({ length: n }, freshText)

function inputsFor (kind: Kind): string[] {
  if (kind === '100') return HOT
  if (kind === '50') return [...REPEATED, ...fresh(BATCH / 2)]
  return fresh(BATCH)
}

function bodyFor (kind: Kind): string {
  if (kind === 'baseline') return JSON.stringify({ model: MODEL, input: inputsFor(kind) })
  return JSON.stringify({ model: `ollama/${MODEL}`, input: inputsFor(kind), encoding_format: 'base64' })
}

// ---------- load ----------

interface RunResult {
  /** Requests sent, including those still in flight when the run stopped (their upstream calls land too). */
  sent: number
  rps: number
  latencies: number[]
  cache: Map<string, number>
  non2xx: number
  errors: number
  requests: number
}

async function cannon (baseUrl: string, kind: Kind, connections: number, seconds: number): Promise<RunResult> {
  const latencies: number[] = []
  const cache = new Map<string, number>()
  const path = kind === 'baseline' ? '/api/embed' : '/v1/embeddings'
  return await new Promise((resolve, reject) => {
    const instance = autocannon({
      url: baseUrl,
      connections,
      duration: seconds,
      pipelining: 1,
      timeout: 10,
      requests: [{
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        // A new body per request: fresh texts must never repeat, across connections and runs.
        setupRequest: (request) => { request.body = bodyFor(kind); return request },
        onResponse: (_status, _body, _context, headers) => {
          const outcome = headers?.['x-qiao-cache']
          const key = typeof outcome === 'string' ? outcome : '-'
          cache.set(key, (cache.get(key) ?? 0) + 1)
        }
      }]
    }, (err: unknown, result: autocannon.Result) => {
      if (err !== null && err !== undefined) return reject(err instanceof Error ? err : new Error(String(err)))
      resolve({
        rps: latencies.length / result.duration,
        latencies,
        cache,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        requests: latencies.length,
        sent: result.requests.sent
      })
    })
    // autocannon's own histogram keeps whole milliseconds; the raw times keep the fraction that matters here.
    instance.on('response', (_client, status, _bytes, ms) => { if (status >= 200 && status < 300) latencies.push(ms) })
  })
}

async function upstreamStats (fakeUrl: string): Promise<{ requests: number, inputs: number }> {
  const res = await fetch(`${fakeUrl}/__stats`)
  return await res.json() as { requests: number, inputs: number }
}

/** Upstream counters once requests still in flight from the previous run have landed (at most 2 s). */
async function settledUpstreamStats (fakeUrl: string): Promise<{ requests: number, inputs: number }> {
  let last = await upstreamStats(fakeUrl)
  for (const deadline = Date.now() + 2_000; Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = await upstreamStats(fakeUrl)
    if (now.requests === last.requests) return now
    last = now
  }
  return last
}

async function measure (workload: Workload, baseUrl: string, fakeUrl: string, into: Measured): Promise<void> {
  // The 100 % workload starts from a warm cache; the warm-up also fills the repeated half of the 50 % one.
  await cannon(baseUrl, workload.kind, workload.connections, WARMUP_S)
  const before = await settledUpstreamStats(fakeUrl)
  const qiaoPid = workload.target === 'fake' ? undefined : qiaoPidByStore.get(workload.target)
  const qiaoBefore = cpuSeconds(qiaoPid)
  const loadBefore = process.cpuUsage()
  const busyBefore = busyCpuSeconds()
  const oursBefore = childrenCpuSeconds()
  const started = performance.now()
  const run = await cannon(baseUrl, workload.kind, workload.connections, workload.seconds)
  const wall = (performance.now() - started) / 1000
  const load = process.cpuUsage(loadBefore)
  const loadSeconds = (load.user + load.system) / 1e6
  const qiaoSeconds = cpuSeconds(qiaoPid) - qiaoBefore
  const others = busyCpuSeconds() - busyBefore - (childrenCpuSeconds() - oursBefore) - loadSeconds
  into.qiaoCpu.push(qiaoSeconds / wall)
  into.qiaoCpuSeconds += qiaoSeconds
  into.loadCpu.push(loadSeconds / wall)
  into.otherCpu.push(Math.max(0, others) / wall)
  const after = await settledUpstreamStats(fakeUrl)
  into.rps.push(run.rps)
  for (const ms of run.latencies) into.latencies.push(ms)
  for (const [key, n] of run.cache) into.cache.set(key, (into.cache.get(key) ?? 0) + n)
  into.non2xx += run.non2xx
  into.errors += run.errors
  into.requests += run.requests
  into.sent += run.sent
  into.upstreamInputs += after.inputs - before.inputs
  into.upstreamRequests += after.requests - before.requests
  process.stdout.write(`  ${workload.id.padEnd(14)} ${fmt(run.rps, 0).padStart(7)} req/s  p50 ${fmt(pct(run.latencies, 50), 2)} ms  ` +
    `p99 ${fmt(pct(run.latencies, 99), 2)} ms  qiao CPU ${fmt(100 * (into.qiaoCpu.at(-1) ?? Number.NaN), 0)} %  ` +
    `loadgen CPU ${fmt(100 * (into.loadCpu.at(-1) ?? Number.NaN), 0)} %  other processes ${fmt(100 * (into.otherCpu.at(-1) ?? Number.NaN), 0)} %\n`)
}

// ---------- numbers ----------

function positive (value: string | undefined, fallback: number): number {
  const n = Number(value)
  return Number.isFinite(n) && n > 0 ? n : fallback
}

function pct (values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length
const fmt = (n: number, digits: number): string => Number.isFinite(n) ? n.toFixed(digits) : 'n/a'

function cacheSummary (m: Measured): string {
  const total = [...m.cache.values()].reduce((a, b) => a + b, 0)
  if (total === 0) return '-'
  return [...m.cache].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${fmt((100 * n) / total, n === total ? 0 : 1)}%`).join(', ')
}

// ---------- main ----------

function workloads (): Workload[] {
  const all: Workload[] = [{ id: 'fake:baseline', label: 'fake upstream directly (baseline)', target: 'fake', kind: 'baseline', connections: CONNECTIONS, rounds: ROUNDS, seconds: DURATION_S }]
  for (const kind of ['0', '50', '100'] as const) {
    for (const store of ['memory', 'redis'] as const) {
      all.push({ id: `${store}:${kind}`, label: `qiao, ${kind} % hits`, target: store, kind, connections: CONNECTIONS, rounds: ROUNDS, seconds: DURATION_S })
    }
  }
  for (const store of ['memory', 'redis'] as const) {
    all.push({ id: `${store}:100:c1`, label: 'qiao, 100 % hits, 1 connection (unloaded latency)', target: store, kind: '100', connections: 1, rounds: 1, seconds: PROBE_S })
  }
  return all
}

async function main (): Promise<void> {
  const selected = ONLY.length === 0 ? workloads() : workloads().filter((w) => ONLY.includes(w.id))
  if (selected.length === 0) throw new Error(`BENCH_ONLY=${ONLY.join(',')} matches no workload; ids: ${workloads().map((w) => w.id).join(', ')}`)
  const loadBefore = loadavg()
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() // before pinning narrows it to 1
  const pinning = pin()
  const cpuFor = (who: 'qiao' | 'other'): number | undefined => pinning.used ? (who === 'qiao' ? 1 : 0) : undefined
  process.stdout.write(`qiao embeddings benchmark: ${CONNECTIONS} connections, batch ${BATCH}, base64, ${WARMUP_S} s warm-up + ${DURATION_S} s per run, ${ROUNDS} rounds\n`)
  process.stdout.write(`CPU pinning ${pinning.note}\nload average (1/5/15 min): ${loadBefore}\n`)
  if (PROFILE) process.stdout.write(`profiling qiao: --cpu-prof into ${PROFILE_DIR}\n`)

  const fakeUrl = await startFake(cpuFor('other'))
  const targets: Partial<Record<Workload['target'], string>> = { fake: fakeUrl }
  const stores = new Set(selected.map((w) => w.target).filter((t): t is Store => t !== 'fake'))
  if (stores.has('memory')) targets.memory = await startQiao('memory', fakeUrl, undefined, cpuFor('qiao'))
  if (stores.has('redis')) {
    const redis = await startRedis(cpuFor('other'))
    targets.redis = await startQiao('redis', fakeUrl, redis, cpuFor('qiao'))
  }

  const results = new Map<string, Measured>()
  const get = (w: Workload): Measured => {
    let m = results.get(w.id)
    if (m === undefined) {
      m = { rps: [], latencies: [], cache: new Map(), non2xx: 0, errors: 0, upstreamInputs: 0, upstreamRequests: 0, requests: 0, sent: 0, qiaoCpu: [], loadCpu: [], qiaoCpuSeconds: 0, otherCpu: [] }
      results.set(w.id, m)
    }
    return m
  }
  // A/B/A/B: for each hit rate, memory and Redis alternate round by round, so drift hits both alike.
  const groups = new Map<string, Workload[]>()
  for (const w of selected) {
    const key = `${w.kind}:${w.connections}`
    groups.set(key, [...(groups.get(key) ?? []), w])
  }
  for (const group of groups.values()) {
    const rounds = Math.max(...group.map((w) => w.rounds))
    for (let round = 0; round < rounds; round++) {
      for (const w of group) if (round < w.rounds) await measure(w, targets[w.target] as string, fakeUrl, get(w))
    }
  }

  if (PROFILE) {
    await stopAll() // profiles are written when qiao exits
    for (const file of nameProfiles()) process.stdout.write(`profile: ${file}  (summary: node --import tsx bench/profile-top.ts ${file})\n`)
  }

  const rows = selected.map((w) => ({ w, m: get(w) }))
  const table = renderTable(rows)
  const ratios = (['memory', 'redis'] as const).flatMap((store) => {
    const zero = results.get(`${store}:0`)
    const full = results.get(`${store}:100`)
    return zero === undefined || full === undefined
      ? []
      : [{ store, ratio: mean(full.rps) / mean(zero.rps), cpuRatio: (zero.qiaoCpuSeconds / zero.requests) / (full.qiaoCpuSeconds / full.requests) }]
  })
  const ratioText = ratios.map(({ store, ratio, cpuRatio }) => `- ${store}: 100 %-hit req/s ÷ 0 %-hit req/s = **${fmt(ratio, 2)}×** ` +
    `(qiao CPU per request, 0 % ÷ 100 %: ${fmt(cpuRatio, 2)}×, the ratio to expect when qiao's core is the bottleneck)`).join('\n')
  const targetsText = renderTargets(results)
  const problems = rows.filter(({ m }) => m.non2xx + m.errors > 0).map(({ w, m }) => `- ${w.id}: ${m.non2xx} non-2xx answers, ${m.errors} errors/timeouts`)

  const notes = saturationNotes(rows)
  process.stdout.write(`\n${table}\n\n${notes}\n\nRatios:\n${ratioText}\n\nTargets:\n${targetsText}\n`)
  if (problems.length > 0) process.stdout.write(`\nProblems:\n${problems.join('\n')}\n`)

  if (ONLY.length === 0 && !PROFILE) {
    const load = `${loadBefore} at the start, ${loadavg()} at the end`
    writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), renderReport({ table, ratioText, targetsText, problems, pinning: pinning.note, load, nproc, notes }))
    process.stdout.write('\nwritten: bench/RESULTS.md\n')
  } else {
    process.stdout.write('\nbench/RESULTS.md not written (partial or profiling run)\n')
  }
}

function renderTable (rows: Array<{ w: Workload, m: Measured }>): string {
  const header = '| workload | id | conns | req/s (mean) | req/s per round | p50 ms | p99 ms | x-qiao-cache | upstream inputs/req | ' +
    'qiao CPU | qiao CPU ms/req | loadgen CPU | other processes CPU |'
  const lines = rows.map(({ w, m }) => {
    const perReq = m.sent === 0 ? Number.NaN : m.upstreamInputs / m.sent
    const store = w.target === 'fake' ? '' : ` (${w.target})`
    return `| ${w.label}${store} | ${w.id} | ${w.connections} | ${fmt(mean(m.rps), 0)} | ${m.rps.map((r) => fmt(r, 0)).join(' / ')} | ` +
      `${fmt(pct(m.latencies, 50), 2)} | ${fmt(pct(m.latencies, 99), 2)} | ${w.target === 'fake' ? 'n/a' : cacheSummary(m)} | ${fmt(perReq, 1)} | ` +
      `${w.target === 'fake' ? 'n/a' : `${fmt(100 * mean(m.qiaoCpu), 0)} %`} | ${w.target === 'fake' ? 'n/a' : fmt((1000 * m.qiaoCpuSeconds) / m.requests, 2)} | ` +
      `${fmt(100 * mean(m.loadCpu), 0)} % | ${fmt(100 * mean(m.otherCpu), 0)} % |`
  })
  return [header, '|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|', ...lines].join('\n')
}

function renderTargets (results: Map<string, Measured>): string {
  const out: string[] = []
  const p50Target = 1
  for (const id of ['redis:100', 'redis:100:c1']) {
    const m = results.get(id)
    if (m === undefined) continue
    const p50 = pct(m.latencies, 50)
    const verdict = p50 < p50Target ? `met (${fmt(p50Target - p50, 2)} ms under)` : `missed (by ${fmt(p50 - p50Target, 2)} ms, ${fmt(p50 / p50Target, 1)}× the target)`
    const how = id.endsWith(':c1') ? '1 connection' : `${CONNECTIONS} connections`
    out.push(`- p50 < 1 ms for a fully cached batch of 16 through Redis (${how}): p50 = ${fmt(p50, 2)} ms → **${verdict}**`)
  }
  for (const store of ['redis', 'memory'] as const) {
    const zero = results.get(`${store}:0`)
    const full = results.get(`${store}:100`)
    if (zero === undefined || full === undefined) continue
    const ratio = mean(full.rps) / mean(zero.rps)
    const verdict = ratio >= 5 ? `met (${fmt(ratio / 5, 2)}× the target)` : `missed (by ${fmt(5 - ratio, 2)}×, ${fmt((100 * ratio) / 5, 0)} % of the target)`
    out.push(`- 100 %-hit req/s ≥ 5 × 0 %-hit req/s (${store}): ${fmt(mean(full.rps), 0)} / ${fmt(mean(zero.rps), 0)} = ${fmt(ratio, 2)}× → **${verdict}**`)
  }
  return out.join('\n')
}

function loadavg (): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ')
}

/** Which rows did not keep qiao's core busy: their req/s says more about the box than about qiao. */
function saturationNotes (rows: Array<{ w: Workload, m: Measured }>): string {
  const idle = rows.filter(({ w, m }) => w.target !== 'fake' && w.connections > 1 && mean(m.qiaoCpu) < 0.8)
  if (idle.length === 0) return 'qiao used at least 80 % of its core in every loaded run: its req/s is its capacity on this box.'
  return `qiao used less than 80 % of its core in ${idle.map(({ w }) => w.id).join(', ')}: there, req/s is bounded by CPU time ` +
    'qiao could not get (other processes, the load generator, the fake upstream, Redis), not by qiao; ' +
    '"qiao CPU ms/req" and the CPU-per-request ratio are the steadier figures.'
}

interface Report {
  table: string
  ratioText: string
  targetsText: string
  problems: string[]
  pinning: string
  load: string
  nproc: string
  notes: string
}

function renderReport ({ table, ratioText, targetsText, problems, pinning, load, nproc, notes }: Report): string {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown'
  return `# Embeddings cache benchmark

- Date: ${new Date().toISOString()}
- Machine: \`nproc\` = ${nproc}, CPU: ${cpuModel}, Node ${process.version}, redis-server ${redisVersion()}
- Command: \`npm run bench\` (= \`tsx bench/run.ts\`)
- CPU pinning ${pinning}
- Load average (1 / 5 / 15 min): ${load}.
  "other processes CPU" is the share of all cores (200 % = both) used during each run by processes that
  are not part of this benchmark; "qiao CPU" is the share of one core qiao used.
- qiao's config: \`ollama\` provider at the fake, memory store (default 256 MB) or Redis (private
  redis-server, \`--save '' --appendonly no\`), \`cache.embeddings.timeout: ${process.env['BENCH_CACHE_TIMEOUT'] ?? '1s'}\`
  (the 50 ms default trips the cache's circuit breaker on this contended box; see bench/README.md).
- Load: autocannon ${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ${DURATION_S} s per run, ${ROUNDS} rounds per workload
  (memory and Redis alternate A/B/A/B), batch of ${BATCH} short texts per request, \`encoding_format: "base64"\`
  through qiao; the baseline posts the same batch to the fake's \`/api/embed\` and gets float JSON back.
  The "1 connection" rows are a ${PROBE_S} s single-connection probe of the fully cached request.
- Latencies are computed from every 2xx response time (fractional ms), not autocannon's whole-ms histogram.
- **The load generator shares the 2 cores with qiao and the fake upstream** (and redis-server): these are
  relative numbers for this machine, not a capacity figure. With ${CONNECTIONS} connections, latency is
  roughly ${CONNECTIONS} ÷ req/s (Little's law), so the loaded p50 reflects throughput, not per-request cost.

${table}

${notes}

Ratios:
${ratioText}

Targets from the issue: "a fully cached batch of 16 answered at p50 under 1 ms through Redis, and at least
5 times the req/s of the same request with every input missing against an upstream that answers instantly":
${targetsText}
${problems.length > 0 ? `\nProblems during the run:\n${problems.join('\n')}\n` : ''}`
}

function redisVersion (): string {
  const out = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout ?? ''
  return /v=(\S+)/.exec(out)?.[1] ?? 'unknown'
}

// A closed stdout (`npm run bench | head`) must not kill the run before it has stopped its processes.
process.stdout.on('error', () => {})
// Last resort on any exit (uncaught error, process.exit): signal whatever is still running.
process.on('exit', () => { for (const child of children) child.proc.kill('SIGTERM') })

let exiting = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (exiting) return
    exiting = true
    stopAll().finally(() => process.exit(130))
  })
}

try {
  await main()
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
} finally {
  await stopAll()
}
