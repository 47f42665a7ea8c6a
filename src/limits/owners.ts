// Whose limits a request counts against: the key's own, then its team's (when the team has a record).
import type { BudgetConfig } from '../config/schema.js'
import type { LimitOwner } from './checks.js'

interface Limited { id: string, rpm?: number | undefined, tpm?: number | undefined, budget?: BudgetConfig | undefined }

export function ownersOf (key: Limited, team: Limited | undefined): LimitOwner[] {
  const owners = [ownerOf('key', key)]
  if (team !== undefined) owners.push(ownerOf('team', team))
  return owners
}

export function ownerOf (scope: LimitOwner['scope'], limited: Limited): LimitOwner {
  const owner: LimitOwner = { scope, id: limited.id }
  if (limited.rpm !== undefined) owner.rpm = limited.rpm
  if (limited.tpm !== undefined) owner.tpm = limited.tpm
  if (limited.budget !== undefined) owner.budget = limited.budget
  return owner
}
