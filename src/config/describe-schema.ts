// What a schema node accepts, in words, for config errors. Derived from the node itself, so a field
// added to the schema later is explained with no extra code.
import { KindGuard, type TSchema } from '@sinclair/typebox'

/** The allowed values when the node is a fixed set (a union of literals), else undefined. */
export function allowedValues (schema: TSchema): unknown[] | undefined {
  if (!KindGuard.IsUnion(schema)) return undefined
  const values: unknown[] = []
  for (const branch of schema.anyOf) {
    if (!KindGuard.IsLiteral(branch)) return undefined
    values.push(branch.const)
  }
  return values
}

/** A noun phrase: "an integer 0-65535", "one of day, month", "true or false". */
export function expectation (schema: TSchema): string {
  const values = allowedValues(schema)
  if (values !== undefined) return `one of ${values.map(String).join(', ')}`
  if (KindGuard.IsLiteral(schema)) return JSON.stringify(schema.const)
  // A mixed union or a pattern says little by itself: the schema's description says what it means.
  if (KindGuard.IsUnion(schema)) return schema.description ?? schema.anyOf.map(expectation).join(' or ')
  if (KindGuard.IsInteger(schema) || KindGuard.IsNumber(schema)) {
    const kind = KindGuard.IsInteger(schema) ? 'an integer' : 'a number'
    const unit = schema.description === undefined ? '' : ` (${schema.description})`
    return `${kind}${range(schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum)}${unit}`
  }
  if (KindGuard.IsString(schema)) {
    if (schema.description !== undefined) return schema.description
    const length = schema.minLength === 1 ? 'a non-empty string' : schema.minLength !== undefined ? `a string of at least ${schema.minLength} characters` : 'a string'
    return schema.pattern === undefined ? length : `${length} matching ${schema.pattern}`
  }
  if (KindGuard.IsBoolean(schema)) return 'true or false'
  if (KindGuard.IsArray(schema)) {
    const min = schema.minItems ?? 0
    return min === 1 ? 'a non-empty list' : min > 1 ? `a list of at least ${min} items` : 'a list'
  }
  if (KindGuard.IsObject(schema) || KindGuard.IsRecord(schema)) return schema.description ?? 'an object'
  return schema.description ?? 'a different value'
}

function range (min?: number, max?: number, exclusiveMin?: number, exclusiveMax?: number): string {
  if (min !== undefined && max !== undefined && min >= 0) return ` ${min}-${max}`
  const bounds = [
    min === undefined ? '' : `≥ ${min}`,
    exclusiveMin === undefined ? '' : `> ${exclusiveMin}`,
    max === undefined ? '' : `≤ ${max}`,
    exclusiveMax === undefined ? '' : `< ${exclusiveMax}`
  ].filter((bound) => bound !== '')
  return bounds.length === 0 ? '' : ` ${bounds.join(' and ')}`
}
