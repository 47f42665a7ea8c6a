// The `group_by` and `format` parameters of GET /admin/usage, checked here so that a bad value gets a 400
// naming the parameter and what it allows.
import { InvalidRequestError } from '../errors/gateway-error.js'

export const DIMENSIONS = ['hour', 'day', 'team', 'key', 'model'] as const
export type Dimension = typeof DIMENSIONS[number]
export const DEFAULT_GROUP_BY: readonly Dimension[] = ['hour', 'key', 'model']

export const FORMATS = ['json', 'csv'] as const
export type Format = typeof FORMATS[number]

const isDimension = (name: string): name is Dimension => (DIMENSIONS as readonly string[]).includes(name)

/** `team,model` → ['team', 'model']: columns in the order asked, a repeated name once. */
export function parseGroupBy (value: string | undefined): Dimension[] {
  if (value === undefined) return [...DEFAULT_GROUP_BY]
  const asked = value.split(',').map((name) => name.trim())
  const bad = asked.find((name) => !isDimension(name))
  if (bad !== undefined) {
    throw new InvalidRequestError(`Invalid value for 'group_by': ${JSON.stringify(bad)}; expected a comma-separated list of ${DIMENSIONS.join(', ')}.`, { param: 'group_by' })
  }
  const dimensions = [...new Set(asked as Dimension[])]
  if (dimensions.includes('hour') && dimensions.includes('day')) {
    throw new InvalidRequestError("Invalid value for 'group_by': hour and day exclude each other; pick one.", { param: 'group_by' })
  }
  return dimensions
}

export function parseFormat (value: string | undefined): Format {
  if (value === undefined) return 'json'
  if ((FORMATS as readonly string[]).includes(value)) return value as Format
  throw new InvalidRequestError(`Invalid value for 'format': ${JSON.stringify(value)}; expected one of ${FORMATS.join(', ')}.`, { param: 'format' })
}
