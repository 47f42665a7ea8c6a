// Schema validation errors → one line per bad field, saying what the field allows, in our words
// rather than the schema library's.
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import { allowedValues, expectation } from './describe-schema.js'
import { closest } from './did-you-mean.js'

/** Config pointer (`/server/port`) → the environment variable that set it. */
export type Origins = ReadonlyMap<string, string>

// Values of these fields never appear in an error line: the line goes to logs and terminals.
const SECRET_FIELD = /^(apiKey|apiKeys|key|masterKey)$|secret|password/i

export function explainErrors (schema: TSchema, value: unknown, origins: Origins = new Map()): string[] {
  const lines = new Map<string, string>()
  collect(Value.Errors(schema, value), lines, origins)
  return [...lines.values()]
}

function displayPath (pointer: string): string {
  if (pointer === '') return '(root)'
  return pointer.slice(1).split('/').map(unescapeKey)
    .reduce((out, part) => /^\d+$/.test(part) ? `${out}[${part}]` : (out === '' ? part : `${out}.${part}`), '')
}

function collect (errors: Iterable<ValueError>, lines: Map<string, string>, origins: Origins): void {
  for (const error of errors) {
    // The first error at a path explains it: a missing field also fails its type, a union fails every branch.
    if (lines.has(error.path)) continue
    const branch = error.type === ValueErrorType.Union ? closestBranch(error) : undefined
    if (branch !== undefined) {
      collect(branch, lines, origins)
      continue
    }
    const origin = originOf(origins, error.path)
    lines.set(error.path, `${displayPath(error.path)}${origin === undefined ? '' : ` (from ${origin})`}: ${explain(error)}`)
  }
}

/**
 * For an object or list given to a union with object or list branches, the errors of the branch it
 * nearly matches: `targets[0].weight: …` says more than "not any of these shapes".
 */
function closestBranch ({ schema, value, errors }: ValueError): ValueError[] | undefined {
  if (!KindGuard.IsUnion(schema) || value === null || typeof value !== 'object') return undefined
  let best: ValueError[] | undefined
  schema.anyOf.forEach((branch, i) => {
    const fits = Array.isArray(value) ? KindGuard.IsArray(branch) : KindGuard.IsObject(branch) || KindGuard.IsRecord(branch)
    const found = errors[i]
    if (!fits || found === undefined) return
    const list = [...found]
    if (best === undefined || list.length < best.length) best = list
  })
  return best?.length === 0 ? undefined : best
}

function explain ({ type, schema, path, value }: ValueError): string {
  if (type === ValueErrorType.ObjectAdditionalProperties) {
    const known = KindGuard.IsObject(schema) ? Object.keys(schema.properties) : []
    return `unknown key (check its spelling${didYouMean(unescapeKey(path.slice(path.lastIndexOf('/') + 1)), known, '; ')})`
  }
  if (value === undefined) return `missing; expected ${expectation(schema)}`
  const allowed = allowedValues(schema)
  if (allowed !== undefined) {
    const hint = typeof value === 'string' ? didYouMean(value, allowed.map(String), ' (', ')') : ''
    return `${shown(value, path)} is not one of ${allowed.map(String).join(', ')}${hint}`
  }
  return `expected ${expectation(schema)}, got ${shown(value, path)}`
}

function didYouMean (given: string, candidates: string[], before: string, after = ''): string {
  const guess = closest(given, candidates)
  return guess === undefined ? '' : `${before}did you mean "${guess}"?${after}`
}

/** The value as the line prints it: short, and never a secret or a whole object. */
function shown (value: unknown, path: string): string {
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  if (path.split('/').some((part) => SECRET_FIELD.test(unescapeKey(part)))) return `a ${typeof value} (not shown)`
  if (typeof value !== 'string') return String(value)
  const safe = value.replace(/\/\/[^/@\s]*@/, '//…@') // credentials in a URL
  return JSON.stringify(safe.length > 60 ? `${safe.slice(0, 57)}…` : safe)
}

function unescapeKey (part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~')
}

/** The variable that set `path` or a field holding it (REDIS_CLUSTER sets every item of redis.cluster). */
function originOf (origins: Origins, path: string): string | undefined {
  for (let at = path; at !== ''; at = at.slice(0, at.lastIndexOf('/'))) {
    const origin = origins.get(at)
    if (origin !== undefined) return origin
  }
  return undefined
}
