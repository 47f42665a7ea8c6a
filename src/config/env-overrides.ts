// Environment variables from ENV_OVERRIDES set their config fields. A value is read as a number or a
// boolean only where the field's schema accepts one and the text is exactly that; anything else stays
// text, so validation reports the variable's own value ("80a") rather than a NaN.
import { KindGuard, type TSchema } from '@sinclair/typebox'
import { ENV_OVERRIDES } from './env-map.js'
import type { Env } from './interpolate.js'
import type { Origins } from './explain-errors.js'
import { ConfigSchema } from './schema.js'

const NUMBER = /^-?\d+(\.\d+)?$/

export function applyEnvOverrides (merged: unknown, env: Env): { config: unknown, origins: Origins } {
  const origins = new Map<string, string>()
  if (merged === null || typeof merged !== 'object') return { config: merged, origins }
  const config = merged as Record<string, unknown>
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name]
    if (value === undefined || value === '') continue
    const keys = path.split('.')
    const last = keys.pop() as string
    let node = config
    for (const key of keys) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {}
      node = node[key] as Record<string, unknown>
    }
    node[last] = coerce(schemaAt(ConfigSchema, [...keys, last]), value)
    origins.set(`/${[...keys, last].join('/')}`, name)
  }
  return { config, origins }
}

function coerce (schema: TSchema | undefined, text: string): unknown {
  if (schema === undefined) return text
  // A list is written comma-separated: REDIS_CLUSTER=redis://a:6379,redis://b:6379
  if (KindGuard.IsArray(schema)) return text.split(',').map((item) => item.trim()).filter((item) => item !== '')
  if (NUMBER.test(text) && accepts(schema, (s) => KindGuard.IsInteger(s) || KindGuard.IsNumber(s))) return Number(text)
  if ((text === 'true' || text === 'false') && accepts(schema, KindGuard.IsBoolean)) return text === 'true'
  return text
}

function accepts (schema: TSchema, kind: (schema: TSchema) => boolean): boolean {
  return KindGuard.IsUnion(schema) ? schema.anyOf.some((branch) => accepts(branch, kind)) : kind(schema)
}

function schemaAt (schema: TSchema | undefined, keys: string[]): TSchema | undefined {
  let node = schema
  for (const key of keys) node = node !== undefined && KindGuard.IsObject(node) ? node.properties[key] : undefined
  return node
}
