// PATCH bodies of the admin API: a field that is present replaces the stored value, `null` removes it,
// an absent field is kept.
import type { BudgetConfig } from '../config/schema.js'
import { InvalidRequestError } from '../errors/gateway-error.js'

export type Patch<T> = { [K in keyof T]?: T[K] | null }

export function applyPatch<P extends object, T extends P> (record: T, patch: Patch<P>, fields: ReadonlyArray<keyof P & string>): T {
  const next = { ...record } as Record<string, unknown>
  for (const field of fields) {
    const value = patch[field]
    if (value === null) Reflect.deleteProperty(next, field)
    else if (value !== undefined) next[field] = structuredClone(value)
  }
  return next as T
}

/** What the schemas cannot say: a parseable expiry and a budget with something to spend. */
export function checkPolicy (policy: { expiresAt?: string | null | undefined, budget?: BudgetConfig | null | undefined }): void {
  const { expiresAt, budget } = policy
  if (typeof expiresAt === 'string' && Number.isNaN(Date.parse(expiresAt))) {
    throw new InvalidRequestError(`expiresAt is not an ISO-8601 time: ${expiresAt}`, { param: 'expiresAt' })
  }
  if (budget != null && budget.tokens === undefined && budget.amount === undefined) {
    throw new InvalidRequestError('budget: give tokens, amount or both', { param: 'budget' })
  }
}
