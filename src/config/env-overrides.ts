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
  const config = merged as Record<string, Record<string, unknown>>
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name]
    if (value === undefined || value === '') continue
    const [section, key] = path.split('.') as [string, string]
    if (typeof config[section] !== 'object' || config[section] === null) config[section] = {}
    config[section][key] = coerce(schemaAt(ConfigSchema, [section, key]), value)
    origins.set(`/${section}/${key}`, name)
  }
  return { config, origins }
}

function coerce (schema: TSchema | undefined, text: string): unknown {
  if (schema === undefined) return text
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
