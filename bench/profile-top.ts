// Summarise a V8 .cpuprofile (from BENCH_PROFILE=1) without opening DevTools: the functions with the
// most self time, and the total (self + callees) time of the gateway's own functions.
// Usage: node --import tsx bench/profile-top.ts bench/profiles/<file>.cpuprofile [rows] [--from SECONDS]
// (--from skips the first seconds of the profile: startup and module loading, under tsx a large share).
// bench/run.ts imports profileTop() to print the summary of the profile it just took.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export function profileTop (file: string, rows = 25, fromUs = 0): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

  const selfUs = new Map<number, number>()
  let at = 0
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0
    if (at >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  })
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0)

  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame
    const where = url === '' ? '' : ` ${url.replace(/^file:\/\/.*?\/(node_modules|src|plugins|bench)\//, '$1/')}:${lineNumber + 1}`
    return `${functionName === '' ? '(anonymous)' : functionName}${where}`
  }

  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const node = byId.get(id)
    if (node === undefined) continue
    self.set(label(node), (self.get(label(node)) ?? 0) + us)
    // Count each function once per sample even when it recurses.
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)
      if (frame === undefined) break
      const name = label(frame)
      if (seen.has(name)) continue
      seen.add(name)
      inclusive.set(name, (inclusive.get(name) ?? 0) + us)
    }
  }

  // Shares are of the busy time: an idle process says nothing about its hot path.
  const idleUs = self.get('(idle)') ?? 0
  self.delete('(idle)')
  const busyUs = totalUs - idleUs
  const pct = (us: number): string => `${((100 * us) / busyUs).toFixed(1).padStart(5)} %`
  const top = (map: Map<string, number>, keep: (name: string) => boolean): string =>
    [...map].filter(([name]) => keep(name)).sort((a, b) => b[1] - a[1]).slice(0, rows).map(([name, us]) => `${pct(us)}  ${name}`).join('\n')

  return `${file}: ${(totalUs / 1e6).toFixed(2)} s sampled${fromUs > 0 ? ` from ${(fromUs / 1e6).toFixed(1)} s on` : ''}, ` +
    `${((100 * idleUs) / totalUs).toFixed(0)} % idle; shares are of the ${(busyUs / 1e6).toFixed(2)} s busy\n\nself time:\n${top(self, () => true)}\n\n` +
    `total time, gateway code (src/, plugins/):\n${top(inclusive, (name) => / (src|plugins)\//.test(name))}\n`
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const fromAt = args.indexOf('--from')
  const fromUs = fromAt >= 0 ? Number(args[fromAt + 1]) * 1e6 : 0
  const [file, rowsArg] = fromAt >= 0 ? args.filter((_, i) => i !== fromAt && i !== fromAt + 1) : args
  if (file === undefined || Number.isNaN(fromUs)) {
    process.stderr.write('usage: node --import tsx bench/profile-top.ts <file.cpuprofile> [rows] [--from SECONDS]\n')
    process.exit(2)
  }
  process.stdout.write(profileTop(file, Number(rowsArg ?? 25), fromUs))
}
