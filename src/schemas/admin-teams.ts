// Request and response shapes of the admin API for teams (/admin/teams).
import { Type } from '@sinclair/typebox'
import { BudgetSchema as Budget } from '../config/schema.js'
import { Models, Nullable, PerMinute, SpendSchema } from './admin.js'

export const TeamBody = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]*$', maxLength: 128, description: 'the name keys give as their `team`' }),
  models: Type.Optional(Models),
  rpm: Type.Optional(PerMinute),
  tpm: Type.Optional(PerMinute),
  budget: Type.Optional(Budget)
}, { additionalProperties: false })

/** Every field optional; `null` clears it. */
export const TeamPatchBody = Type.Object({
  models: Type.Optional(Nullable(Models)),
  rpm: Type.Optional(Nullable(PerMinute)),
  tpm: Type.Optional(Nullable(PerMinute)),
  budget: Type.Optional(Nullable(Budget))
}, { additionalProperties: false })

const teamFields = {
  id: Type.String(),
  models: Nullable(Type.Array(Type.String())),
  rpm: Nullable(Type.Integer()),
  tpm: Nullable(Type.Integer()),
  budget: Nullable(Budget),
  createdAt: Nullable(Type.String()),
  source: Type.Union([Type.Literal('config'), Type.Literal('admin')])
}

export const TeamSchema = Type.Object(teamFields)

export const TeamDetailSchema = Type.Object({ ...teamFields, spend: SpendSchema })

export const TeamListSchema = Type.Object({ data: Type.Array(TeamSchema) })

export const DeletedTeamSchema = Type.Object({ id: Type.String(), deleted: Type.Literal(true) })

export const TeamIdParams = Type.Object({ id: Type.String() })
