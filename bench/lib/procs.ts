// The benchmark's child processes: spawn (optionally pinned with taskset), wait for their {"port":N}
// announcement, stop them all however the run ends. Also CPU pinning, free ports and a private redis-server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, createServer, type AddressInfo } from 'node:net'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface Child {
  name: string
  proc: ChildProcess
  pid: number
  /** performance.now() when it was spawned: where its --cpu-prof profile starts. */
  spawnedAt: number
  exited: Promise<void>
  stderr: () => string
}

export const children: Child[] = []

export interface StartOptions {
  env?: NodeJS.ProcessEnv
  /** CPU list for taskset (`'1'`, `'0'`); undefined runs unpinned. */
  cpu?: string | undefined
  /** Echo the child's stderr, prefixed with its name, as it arrives. */
  echoStderr?: boolean
}

export function startChild (name: string, command: string, args: string[], { env = process.env, cpu, echoStderr = false }: StartOptions = {}): Child {
  const [cmd, argv] = cpu === undefined ? [command, args] : ['taskset', ['-c', cpu, command, ...args]]
  // taskset execs the command, so the pid we hold is the process we will signal.
  // stdin is a pipe our node children watch: it closes when this process dies, however it dies.
  const proc = spawn(cmd, argv, { cwd: ROOT, env: { ...env, BENCH_PARENT_WATCH: '1' }, stdio: ['pipe', 'pipe', 'pipe'] })
  let err = ''
  proc.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4000)
    if (echoStderr) process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `[${name}] `))
  })
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve()
    else proc.once('exit', () => { resolve() })
  })
  const child: Child = { name, proc, pid: proc.pid ?? -1, spawnedAt: performance.now(), exited, stderr: () => err }
  children.push(child)
  return child
}

/** The first stdout line of a child that announces itself as JSON ({"port":N,…}). */
export async function announcement (child: Child, timeoutMs = 60_000): Promise<Record<string, unknown>> {
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

/** Spawn a child that prints {"port":N}, and return its base URL. */
export async function startAnnounced (name: string, command: string, args: string[], options: StartOptions = {}): Promise<{ child: Child, url: string, info: Record<string, unknown> }> {
  const child = startChild(name, command, args, options)
  const info = await announcement(child)
  return { child, url: `http://127.0.0.1:${String(info['port'])}`, info }
}

export async function stopChild (child: Child): Promise<void> {
  const { proc } = child
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGTERM')
    const timer = setTimeout(() => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL') }, 10_000)
    await child.exited
    clearTimeout(timer)
  }
  const at = children.indexOf(child)
  if (at >= 0) children.splice(at, 1)
}

export async function stopAll (): Promise<void> {
  await Promise.all([...children].reverse().map(stopChild))
}

/** Stop every child on SIGINT/SIGTERM and on any exit, and survive a closed stdout (`| head`). */
export function installExitHandlers (): void {
  process.stdout.on('error', () => {})
  process.on('exit', () => { for (const child of children) child.proc.kill('SIGTERM') })
  let exiting = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (exiting) return
      exiting = true
      stopAll().finally(() => process.exit(130))
    })
  }
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => { resolve(port) })
    })
  })
}

export const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

// ---------- CPU pinning ----------

function allowedCpus (): number[] {
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? ''
  return list.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number)
    if (from === undefined || Number.isNaN(from)) return []
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i)
  })
}

export interface Pinning {
  used: boolean
  note: string
  /** taskset CPU list for the measured gateway (qiao, the minimal proxy) and for everything else. */
  gateway: string | undefined
  other: string | undefined
  /** Every CPU this process may use: children that must run unpinned (this process is narrowed to CPU 0). */
  all: string | undefined
}

/** This process (the load generator, all threads) on CPU 0 and the measured gateway on CPU 1, when possible. */
export function pin (): Pinning {
  const none = (why: string): Pinning => ({ used: false, note: `not used (${why})`, gateway: undefined, other: undefined, all: undefined })
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status !== 0) return none('taskset not found')
  const allowed = allowedCpus()
  if (!allowed.includes(0) || !allowed.includes(1)) return none(`CPUs allowed: ${allowed.join(',') || '?'}`)
  if (spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' }).status !== 0) return none('taskset could not pin the load generator')
  return { used: true, note: 'used', gateway: '1', other: '0', all: allowed.join(',') }
}

// ---------- redis-server ----------

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

/** A private redis-server on a free loopback port, nothing persisted, evicting like a cache. */
export async function startRedis (cpu: string | undefined): Promise<{ url: string, child: Child }> {
  const port = await freePort()
  const child = startChild('redis-server', 'redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    // 0 %-hit runs write a few hundred MB; evict like a cache instead of growing without bound.
    '--maxmemory', '1gb', '--maxmemory-policy', 'allkeys-lru'
  ], { cpu })
  const deadline = Date.now() + 10_000
  while (!(await redisPing(port))) {
    if (child.proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}\n${child.stderr()}`)
    await sleep(50)
  }
  return { url: `redis://127.0.0.1:${port}`, child }
}

export function redisVersion (): string {
  const out = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout ?? ''
  return /v=(\S+)/.exec(out)?.[1] ?? 'unknown'
}
