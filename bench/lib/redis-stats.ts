// What a run cost Redis: INFO commandstats and errorstats of every Cluster master, read before and after,
// and their difference per command (bench/cluster.ts). Also the RESULTS.md section writer of that bench.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { redisCli } from '../../test/fixtures/redis-cluster.js'

export interface CommandCount { calls: number, usec: number, failed: number, rejected: number }
export interface NodeStats { commands: Map<string, CommandCount>, errors: Map<string, number> }

/** `cmdstat_get:calls=3,usec=12,usec_per_call=4.00,rejected_calls=0,failed_calls=0` and `errorstat_ERR:count=2` lines. */
export function parseInfo (text: string): NodeStats {
  const commands = new Map<string, CommandCount>()
  const errors = new Map<string, number>()
  for (const line of text.split(/\r?\n/)) {
    const cmd = /^cmdstat_([^:]+):(.*)$/.exec(line)
    if (cmd !== null) {
      const f = new Map((cmd[2] ?? '').split(',').map((kv) => kv.split('=') as [string, string]))
      const n = (key: string): number => Number(f.get(key) ?? 0) || 0
      commands.set(cmd[1] ?? '?', { calls: n('calls'), usec: n('usec'), failed: n('failed_calls'), rejected: n('rejected_calls') })
      continue
    }
    const err = /^errorstat_([^:]+):count=(\d+)/.exec(line)
    if (err !== null) errors.set(err[1] ?? '?', Number(err[2]))
  }
  return { commands, errors }
}

/** One INFO per master, all at once. */
export async function snapshot (ports: number[]): Promise<NodeStats[]> {
  return await Promise.all(ports.map(async (port) => parseInfo(await redisCli(port, 'info', 'commandstats', 'errorstats'))))
}

/** The benchmark's own INFO calls are not qiao's. */
const OWN = new Set(['info'])

export interface Delta {
  /** Commands qiao sent, all masters. */
  total: number
  /** The same per master, in the order of the ports given to snapshot(). */
  perNode: number[]
  /** Redis' own time running them, µs. */
  usec: number
  /** Calls that answered an error, or were rejected before running. */
  failed: number
  /** Command → calls, most called first. */
  byCommand: Array<[string, number]>
  /** Error prefix (CROSSSLOT, MOVED, ERR, …) → count. */
  errors: Array<[string, number]>
}

export function delta (before: NodeStats[], after: NodeStats[]): Delta {
  const byCommand = new Map<string, number>()
  const errors = new Map<string, number>()
  const perNode: number[] = []
  let usec = 0
  let failed = 0
  after.forEach((node, i) => {
    const prev = before[i]
    let nodeTotal = 0
    for (const [name, now] of node.commands) {
      if (OWN.has(name)) continue
      const was = prev?.commands.get(name)
      const calls = now.calls - (was?.calls ?? 0)
      nodeTotal += calls
      if (calls > 0) byCommand.set(name, (byCommand.get(name) ?? 0) + calls)
      usec += now.usec - (was?.usec ?? 0)
      failed += now.failed - (was?.failed ?? 0) + now.rejected - (was?.rejected ?? 0)
    }
    for (const [name, count] of node.errors) {
      const added = count - (prev?.errors.get(name) ?? 0)
      if (added > 0) errors.set(name, (errors.get(name) ?? 0) + added)
    }
    perNode.push(nodeTotal)
  })
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1])
  return { total: perNode.reduce((a, b) => a + b, 0), perNode, usec, failed, byCommand: sorted(byCommand), errors: sorted(errors) }
}

/**
 * Replaces the section that starts with `heading` (a `## ` line) up to the next `## ` heading, or appends it
 * at the end of the file; the rest of the file is left byte for byte.
 */
/**
 * Writes `heading` and `body` between `<!-- tag:start -->` and `<!-- tag:end -->` in `file` (appended the
 * first time): `npm run bench` keeps what lies between markers it does not own.
 */
export function writeSection (file: string, tag: string, heading: string, body: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const open = `<!-- ${tag}:start -->`
  const close = `<!-- ${tag}:end -->`
  const section = `${open}\n${heading}\n\n${body.trim()}\n${close}`
  const from = text.indexOf(open)
  const to = text.indexOf(close)
  if (from >= 0 && to > from) {
    writeFileSync(file, text.slice(0, from) + section + text.slice(to + close.length))
    return
  }
  // A section written before the markers existed runs from its heading to the end of the file.
  const unmarked = text.indexOf(`\n${heading}\n`)
  const before = unmarked >= 0 ? text.slice(0, unmarked) : text
  writeFileSync(file, `${before.replace(/\n*$/, '')}\n\n${section}\n`)
}
