// The young generation a serving instance may grow to: 8 MB × 2 under a load whose objects survive a while
// (V8 alone takes 16 MB × 2), and what an operator sets with --max-semi-space-size is left alone.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MODULE = fileURLToPath(new URL('../../src/young-generation.ts', import.meta.url))

// Allocates objects of which a share survives several scavenges (what grows the young generation), giving
// the check after each collection its turns, then prints the new space's size in MB.
const SCRIPT = `
import { getHeapSpaceStatistics } from 'node:v8'
import { holdYoungGeneration } from ${JSON.stringify(MODULE)}
const release = holdYoungGeneration()
release()
const keep = []
const end = Date.now() + 2500
while (Date.now() < end) {
  for (let i = 0; i < 20000; i++) { keep.push({ a: i, b: [i] }); if (keep.length > 200000) keep.splice(0, 100000) }
  await new Promise((resolve) => setImmediate(resolve))
}
console.log(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20)
`

function newSpaceMb (nodeOptions: string): number {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
    encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: nodeOptions }
  })
  if (run.status !== 0) throw new Error(run.stderr)
  return Number(run.stdout.trim())
}

t.test('a serving instance keeps its young generation at 8 MB × 2 at most', async (t) => {
  t.equal(newSpaceMb(''), 16, 'grown to the cap and no further')
})

t.test('an operator who sized the semi-spaces gets that size', async (t) => {
  t.equal(newSpaceMb('--max-semi-space-size=16'), 32, 'V8 grows to the 16 MB × 2 the operator allowed')
})
