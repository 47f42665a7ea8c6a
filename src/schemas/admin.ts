// Request and response shapes of the admin API for keys (/admin/keys).
import { Type, type TSchema } from '@sinclair/typebox'
import { BudgetSchema as Budget } from '../config/schema.js'

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const Models = Type.Array(Type.String({ minLength: 1 }), { description: 'names and globs such as `deepseek/*`; absent: every model' })
export const PerMinute = Type.Integer({ minimum: 1 })
const Team = Type.String({ minLength: 1, description: 'default `default`; the embedding cache is shared within a team' })
const ExpiresAt = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T', description: 'ISO-8601 time' })

export const KeyPolicyBody = Type.Object({
  id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]*$', maxLength: 128, description: 'generated when absent' })),
  team: Type.Optional(Team),
  models: Type.Optional(Models),
  rpm: Type.Optional(PerMinute),
  tpm: Type.Optional(PerMinute),
  expiresAt: Type.Optional(ExpiresAt),
  budget: Type.Optional(Budget)
}, { additionalProperties: false })

/** Every field optional; `null` clears it (`team: null`: back to `default`). The key itself never changes. */
export const KeyPatchBody = Type.Object({
  team: Type.Optional(Nullable(Team)),
  models: Type.Optional(Nullable(Models)),
  rpm: Type.Optional(Nullable(PerMinute)),
  tpm: Type.Optional(Nullable(PerMinute)),
  expiresAt: Type.Optional(Nullable(ExpiresAt)),
  budget: Type.Optional(Nullable(Budget))
}, { additionalProperties: false })

/** This period's spend next to each limit: null where there is no such limit. */
export const SpendSchema = Type.Object({
  period: Nullable(Type.Union([Type.Literal('day'), Type.Literal('month')], { description: 'the budget\'s period' })),
  tokens: Nullable(Type.Integer({ description: 'budget tokens spent this period' })),
  amount: Nullable(Type.String({ description: 'money spent this period, a decimal string in `currency`' })),
  currency: Type.String(),
  rpm: Nullable(Type.Integer({ description: 'requests in the last minute' })),
  tpm: Nullable(Type.Integer({ description: 'tokens in the last minute' }))
})

const keyFields = {
  id: Type.String(),
  team: Type.String(),
  models: Nullable(Type.Array(Type.String())),
  rpm: Nullable(Type.Integer()),
  tpm: Nullable(Type.Integer()),
  expiresAt: Nullable(Type.String()),
  budget: Nullable(Budget),
  createdAt: Nullable(Type.String())
}

export const CreatedKeySchema = Type.Object({
  ...keyFields,
  key: Type.String({ description: 'the secret: shown in this answer only' })
})

const Source = Type.Union([Type.Literal('config'), Type.Literal('admin')])

export const KeySchema = Type.Object({ ...keyFields, source: Source })

export const KeyDetailSchema = Type.Object({ ...keyFields, source: Source, spend: SpendSchema })

export const KeyListSchema = Type.Object({
  data: Type.Array(KeySchema)
})

export const DeletedKeySchema = Type.Object({ id: Type.String(), deleted: Type.Literal(true) })

export const KeyIdParams = Type.Object({ id: Type.String() })
