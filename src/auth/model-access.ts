// Which models a key may use: exact names and globs (`deepseek/*`, `*-chat`), matched against the name the
// client sends (an alias or `provider/model`). `*` matches any run of characters, slashes included.

export type ModelMatcher = (model: string) => boolean

const ANY: ModelMatcher = () => true

export function modelMatcher (patterns: readonly string[] | undefined): ModelMatcher {
  if (patterns === undefined) return ANY
  const exact = new Set(patterns.filter((p) => !p.includes('*')))
  const globs = patterns.filter((p) => p.includes('*')).map(globToRegExp)
  return (model) => exact.has(model) || globs.some((re) => re.test(model))
}

export function globToRegExp (glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
  return new RegExp(`^${body}$`, 's')
}

/** A model allowed by every list: a key's own `models` and its team's. */
export function everyMatcher (lists: ReadonlyArray<readonly string[] | undefined>): ModelMatcher {
  const matchers = lists.filter((list) => list !== undefined).map(modelMatcher)
  return (model) => matchers.every((allows) => allows(model))
}
