// Request and response shapes of the admin API for keys (/admin/keys).
import { Type, type TSchema } from '@sinclair/typebox'
import { BudgetSchema as Budget } from '../config/schema.js'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const KeyPolicyBody = Type.Object({
  id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]*$', maxLength: 128, description: 'generated when absent' })),
  team: Type.Optional(Type.String({ minLength: 1, description: 'default `default`; the embedding cache is shared within a team' })),
  models: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'names and globs such as `deepseek/*`; absent: every model' })),
  rpm: Type.Optional(Type.Integer({ minimum: 1 })),
  tpm: Type.Optional(Type.Integer({ minimum: 1 })),
  expiresAt: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T', description: 'ISO-8601 time' })),
  budget: Type.Optional(Budget)
}, { additionalProperties: false })

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

export const KeyListSchema = Type.Object({
  data: Type.Array(Type.Object({ ...keyFields, source: Type.Union([Type.Literal('config'), Type.Literal('admin')]) }))
})

export const DeletedKeySchema = Type.Object({ id: Type.String(), deleted: Type.Literal(true) })

export const KeyIdParams = Type.Object({ id: Type.String() })
