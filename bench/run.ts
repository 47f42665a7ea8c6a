// `npm run bench`: qiao measured wire to wire (issue 6) and its embeddings cache at 0/50/100 % hits
// (issue 3). Not a test: it prints tables, writes bench/RESULTS.md (full runs, or --write), stops every
// process it started and stops by itself within about 8 minutes (runs that would overrun are skipped and
// listed). Everything listens on 127.0.0.1; the fake upstream, the minimal proxy, redis-server and each qiao
// are separate processes. bench/README.md has the details.
//
//   npm run bench -- [--only chat,stream,embed,cache,workers,metrics,streams256,hitrate] [--quick] [--write]
//                    [--conc 1,32,256] [--latency MS] [--proxy-cpu N]
// Env: BENCH_PROFILE=1 (profile one workload: qiao with --cpu-prof, default `--only chat --conc 32`),
// BENCH_ONLY=redis:100,… (hit-rate workloads by id), BENCH_DURATION / BENCH_ROUNDS, BENCH_QIAO_LOG=warn, BENCH_QIAO_NODE_FLAGS,
// BENCH_CACHE_TIMEOUT.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { compileForBench } from './lib/compiled.js'
import { Budget, type Timing } from './lib/measure.js'
import { children, installExitHandlers, pin, redisVersion, ROOT, stopAll, type Pinning } from './lib/procs.js'
import { mean, positive } from './lib/stats.js'
import { PROFILE_DIR, Targets, type QiaoVariant } from './lib/targets.js'
import { profileTop } from './profile-top.js'
import { sections, targets, type Results } from './report.js'
import { renderHitrate, runHitrate, type HitrateRow } from './suites/hitrate.js'
import { overheadWorkloads, runWorkload } from './suites/overhead.js'
import { runOpenStreams, runStreamProbe } from './suites/streams.js'
import { runWorkers } from './suites/workers.js'
import { option, flag } from './lib/args.js'

// cache before embed: the miss path grows the memory-store qiao's heap, which slows what runs on it next.
const SUITES = ['chat', 'stream', 'streams256', 'metrics', 'cache', 'embed', 'hitrate', 'workers'] as const
type Suite = typeof SUITES[number]
const BUDGET_S = 450 // measuring stops here; stopping processes and writing the report fit in the rest of 8 minutes

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')

const PROFILE = process.env['BENCH_PROFILE'] === '1'
const QUICK = flag('--quick')
const LEGACY_ONLY = list(process.env['BENCH_ONLY'])
const only = list(option('--only'))
const suites: Suite[] = only.length > 0 ? only as Suite[] : LEGACY_ONLY.length > 0 ? ['hitrate'] : PROFILE ? ['chat'] : [...SUITES]
const conc = list(option('--conc')).map(Number)
const CONC = conc.length > 0 ? conc : PROFILE ? [32] : [1, 32, 256]
const base: Timing = QUICK ? { cold: 1, warmupFirst: 0.5, warmup: 0.25, seconds: 0.5, rounds: 1 } : { cold: 4, warmupFirst: 1.5, warmup: 0.5, seconds: 2, rounds: 2 }
const timing: Timing = {
  ...base,
  seconds: positive(process.env['BENCH_DURATION'], base.seconds) * (PROFILE ? 4 : 1),
  rounds: PROFILE ? 1 : positive(process.env['BENCH_ROUNDS'], base.rounds)
}
const PROBE_S = QUICK ? 0.5 : 2

const log = (line: string): void => { process.stdout.write(line + '\n') }
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ')

function pinningNote (p: Pinning, proxyCpu: string | undefined): string {
  if (!p.used) return `CPU pinning ${p.note}: every process may run on any core.`
  return `CPU pinning used (taskset): qiao on CPU ${p.gateway ?? '?'}; the minimal proxy on CPU ${proxyCpu ?? 'any'}${proxyCpu === p.gateway ? ' (measured like qiao)' : ''}; ` +
    `the load generator (autocannon and the SSE client, one process), the fake upstream and redis-server on CPU ${p.other ?? '?'}. ` +
    'The --workers comparison runs qiao unpinned (both cores).'
}

/** qiao's main-thread profiles → bench/profiles/qiao-<variant>-<pid>.cpuprofile; other threads' are dropped. */
function nameProfiles (t: Targets): Array<{ file: string, pid: number }> {
  const kept: Array<{ file: string, pid: number }> = []
  for (const file of readdirSync(PROFILE_DIR)) {
    const match = /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(file)
    const variant = match === null ? undefined : t.qiaoPids.get(Number(match[1]))
    if (match === null || variant === undefined) continue
    if (match[2] !== '0') {
      rmSync(join(PROFILE_DIR, file))
      continue
    }
    const name = join('bench', 'profiles', `qiao-${variant}-${match[1]}.cpuprofile`)
    renameSync(join(PROFILE_DIR, file), join(ROOT, name))
    kept.push({ file: name, pid: Number(match[1]) })
  }
  return kept
}

function between (text: string, tag: string): string | undefined {
  const start = text.indexOf(`<!-- ${tag}:start -->`)
  const end = text.indexOf(`<!-- ${tag}:end -->`)
  return start < 0 || end < start ? undefined : text.slice(start + `<!-- ${tag}:start -->`.length, end).trim()
}

/** The parts of RESULTS.md this run did not measure, kept from the file as it was. */
function kept (file: string): { hitrate: string | undefined, profile: string | undefined, issue12: string | undefined, cluster: string | undefined } {
  if (!existsSync(file)) return { hitrate: undefined, profile: undefined, issue12: undefined, cluster: undefined }
  const text = readFileSync(file, 'utf8')
  // The file the hit-rate-only script used to write is all hit-rate section.
  const legacy = text.startsWith('# Embeddings cache benchmark')
    ? text.replace('# Embeddings cache benchmark', '## Embeddings cache: hit rates (issue 3)\n\n(from an earlier run, before the issue-6 benchmark existed)').trim()
    : undefined
  return { hitrate: between(text, 'hitrate') ?? legacy, profile: between(text, 'profile-notes'), issue12: between(text, 'issue12'), cluster: between(text, 'cluster') }
}

async function main (): Promise<void> {
  const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s))
  if (unknown.length > 0) throw new Error(`--only ${unknown.join(',')}: unknown; suites are ${SUITES.join(', ')}`)
  log('compiling src, plugins and bench into dist/ …')
  compileForBench()
  const started = performance.now()
  const budget = new Budget(started + BUDGET_S * 1000)
  const loadStart = loadavg()
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim() // before pinning narrows it to 1
  const pinning = pin()
  const proxyOption = option('--proxy-cpu')
  const proxyCpu = pinning.used ? proxyOption ?? pinning.gateway : undefined
  const latency = option('--latency')
  if (latency !== undefined) process.env['BENCH_FAKE_LATENCY_MS'] = String(Number(latency) || 0)
  const t = new Targets({ pinning, proxyCpu, profileDir: PROFILE ? PROFILE_DIR : undefined, echoQiao: true })
  const note = pinningNote(pinning, proxyCpu)
  log(`qiao benchmark: suites ${suites.join(', ')}; concurrency ${CONC.join(', ')}; ${timing.cold} + ${timing.warmupFirst} + ${timing.warmup} s warm-ups, ${timing.seconds} s per run, ` +
    `${timing.rounds} round(s)${QUICK ? ' (--quick: a smoke test, not a measurement)' : ''}${PROFILE ? '; profiling qiao' : ''}`)
  log(`${note}\nload average (1/5/15 min): ${loadStart}`)

  const results: Results = { cells: [], probe: [], open: [], workers: [] }
  let hitrate: HitrateRow[] = []
  const problems: string[] = []
  // Start every process the suites need at once: start-up is a second of CPU each.
  const needs = new Set<'proxy' | QiaoVariant>()
  for (const suite of suites) {
    if (['chat', 'stream', 'streams256', 'embed', 'cache'].includes(suite) && !PROFILE) needs.add('proxy')
    if (suite !== 'workers' && suite !== 'metrics') needs.add('memory')
    // Two fresh twins: the main instance's history (heap, JIT) would otherwise weigh on one side.
    if (suite === 'metrics') { needs.add('metrics'); needs.add('nometrics') }
    if (suite === 'cache' || suite === 'hitrate') needs.add('redis')
  }
  const t0 = performance.now()
  const startups = await Promise.allSettled([t.fake(), ...[...needs].map(async (n) => n === 'proxy' ? await t.proxy() : await t.qiao(n))])
  for (const s of startups) if (s.status === 'rejected') log(`start-up failed: ${String(s.reason)}`)
  log(`processes started in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  // The profile summary skips qiao's start-up: count from the first load on.
  const profileFrom = performance.now()
  const workloads = overheadWorkloads(t, CONC).map((w) => PROFILE ? { ...w, lanes: w.lanes.filter((l) => l.label.startsWith('qiao')) } : w)
  for (const suite of suites) {
    log(`\n[${suite}]`)
    try {
      for (const w of workloads.filter((w) => w.suite === suite)) results.cells.push(...await runWorkload(w, timing, budget, log))
      if (suite === 'stream' && CONC.includes(1) && !PROFILE) results.probe.push(...await runStreamProbe(t, timing, budget, log))
      if (suite === 'streams256') results.open.push(...await runOpenStreams(t, timing, budget, log))
      if (suite === 'hitrate') hitrate = await runHitrate(t, LEGACY_ONLY, timing, PROBE_S, budget, log)
      if (suite === 'workers') results.workers.push(...await runWorkers(t, pinning, timing, budget, log))
    } catch (err) {
      problems.push(`${suite} failed: ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}`)
      log(`  ${suite} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
    }
  }

  if (PROFILE) {
    const spawned = new Map(children.map((c) => [c.pid, c.spawnedAt]))
    await stopAll() // profiles are written when qiao exits
    for (const { file, pid } of nameProfiles(t)) {
      const fromUs = Math.max(0, profileFrom - (spawned.get(pid) ?? profileFrom)) * 1000
      log(`\nprofile: ${file}\n${profileTop(join(ROOT, file), 25, fromUs)}`)
    }
  }

  const flagged = results.cells.filter((c) => c.summary.non2xx + c.summary.errors > 0).map((c) => `${c.workload.id} c${c.conc} ${c.lane}`)
  if (flagged.length > 0) problems.push(`runs with errors (flagged ⚠ in the tables): ${flagged.join(', ')}`)
  if (budget.skipped.length > 0) problems.push(`skipped to stay within the time budget: ${budget.skipped.join('; ')}`)
  const hit = hitrate.find((h) => h.w.id === 'redis:100')
  const miss = hitrate.find((h) => h.w.id === 'redis:0')
  if (hit !== undefined && miss !== undefined) results.redisHitMiss = { hit: mean(hit.rps), miss: mean(miss.rps), connections: hit.w.connections }
  const targetLines = targets(results)
  const body = sections(results, { workers: 'qiao started from src/server.ts with `--workers N` and a config file, **unpinned** (its processes use both cores, shared with the load generator and the fake upstream, which stay on CPU 0); figures are the sum over the primary and its workers. The load generator and the fake upstream need most of a core here, so a second worker can only use what is left of it.' })
  const hitrateText = hitrate.length > 0 ? renderHitrate(hitrate, timing, PROBE_S) : ''
  log(`\n${body}\n\n${hitrateText}\nTargets (issue 6):\n${targetLines.length > 0 ? targetLines.join('\n') : '(none measured in this run)'}\n${problems.length > 0 ? `\nProblems:\n- ${problems.join('\n- ')}\n` : ''}`)

  const write = flag('--write') || (only.length === 0 && LEGACY_ONLY.length === 0 && !QUICK && !PROFILE)
  if (!write) {
    log(`finished in ${((performance.now() - started) / 1000).toFixed(0)} s`)
    log('bench/RESULTS.md not written (partial, quick or profiling run; --write writes it anyway)')
    return
  }
  const file = join(ROOT, 'bench', 'RESULTS.md')
  const keep = kept(file)
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? 'unknown'
  const args = process.argv.slice(2).join(' ')
  const loaded = Number(loadStart.split(' / ')[0]) > Number(nproc)
  writeFileSync(file, `# Benchmark results

Written by \`npm run bench\` (bench/run.ts; bench/README.md explains every column).

**Figures taken under load are not representative.** ${loaded ? `This run started with a load average of ${loadStart.split(' / ')[0]} on ${nproc} cores (other work on the machine, earlier benchmark runs included): every figure below, and above all every latency, includes waiting for a core; read them as a smoke test of the benchmark, not as qiao's performance.` : 'Read them as relative figures for this machine.'}${QUICK ? ' This was a `--quick` run (half-second runs, one round): the figures only show that every workload works.' : ''}

- Date: ${new Date().toISOString()}
- Machine: \`nproc\` = ${nproc}, CPU: ${cpuModel}, Node ${process.version}, redis-server ${redisVersion()}
- Command: \`npm run bench${args === '' ? '' : ` -- ${args}`}\`${PROFILE ? ' with BENCH_PROFILE=1' : ''}
- ${note}
- **The load generator shares this machine's ${nproc} cores with qiao, the proxy and the fake upstream**: with pinning, it, the fake and
  redis-server share one core while the measured gateway has the other to itself (but not from other users of the machine).
- Load average (1 / 5 / 15 min): ${loadStart} at the start, ${loadavg()} at the end. "other procs CPU" is the share of all cores
  (200 % = both) used during the run by processes outside the benchmark; "target CPU" is the share of one core the measured gateway used.
- Timing: warm-ups, all discarded: ${timing.cold} s at concurrency 32 the first time a process is used (its JIT needs 3–4 s to settle on one core),
  ${timing.warmupFirst} s at concurrency 32 before a workload's first run on each target, ${timing.warmup} s at the run's concurrency before every run;
  then ${timing.seconds} s per run, ${timing.rounds} round(s) per workload, the targets of a workload interleaved round by round (A/B/C/A/B/C) so drift shows. Fake upstream latency: ${process.env['BENCH_FAKE_LATENCY_MS'] ?? '0'} ms.
- Latencies are every 2xx response's time in ms (fractional), pooled over rounds; "added" is the row's percentile minus the direct row's
  at the same concurrency. Errors count non-2xx answers and socket errors/timeouts; a row with any is flagged ⚠.
${problems.length > 0 ? `\nProblems during the run:\n- ${problems.join('\n- ')}\n` : ''}
## Targets (issue 6)

${targetLines.length > 0 ? targetLines.join('\n') : '(no target was measured in this run)'}

## Results (issue 6)

${body}

## Profile

<!-- profile-notes:start -->
${keep.profile ?? '(no profile notes yet: `BENCH_PROFILE=1 npm run bench` and bench/README.md)'}
<!-- profile-notes:end -->
${keep.issue12 !== undefined ? `\n<!-- issue12:start -->\n${keep.issue12}\n<!-- issue12:end -->\n` : ''}
<!-- hitrate:start -->
${hitrateText !== '' ? hitrateText.trim() : keep.hitrate ?? '(the hit-rate suite has not run yet)'}
<!-- hitrate:end -->
${keep.cluster !== undefined ? `\n<!-- cluster:start -->\n${keep.cluster}\n<!-- cluster:end -->\n` : ''}`)
  log(`written: bench/RESULTS.md (${((performance.now() - started) / 1000).toFixed(0)} s)`)
}

installExitHandlers()
try {
  await main()
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exitCode = 1
} finally {
  await stopAll()
}
