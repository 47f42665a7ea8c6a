// The allowed word closest to a misspelt one, for "did you mean" hints in config errors.

/** The closest candidate, when one is near enough to be a typo of `given` (case is ignored). */
export function closest (given: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = distance(given.toLowerCase(), candidate.toLowerCase())
    // About one edit in three characters: "deepsek" finds "deepseek", "user" finds nothing in team/key/global.
    if (d < bestDistance && d <= Math.max(1, Math.floor(Math.max(given.length, candidate.length) / 3))) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** Edit distance where swapping two neighbours counts once ("prot" → "port"). */
function distance (a: string, b: string): number {
  const width = b.length + 1
  const d = new Array<number>((a.length + 1) * width).fill(0)
  const at = (i: number, j: number): number => d[i * width + j] ?? 0
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        d[i * width + j] = i + j
        continue
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1)
      d[i * width + j] = value
    }
  }
  return at(a.length, b.length)
}
