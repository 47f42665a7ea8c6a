// Request and response shapes of the admin API (/admin/keys, /admin/usage).
import { Type, type TSchema } from '@sinclair/typebox'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const Budget = Type.Object({
  tokens: Type.Integer({ minimum: 1 }),
  period: Type.Union([Type.Literal('day'), Type.Literal('month')], { description: 'calendar period in UTC' })
}, { additionalProperties: false })

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

export const UsageQuery = Type.Object({
  key: Type.Optional(Type.String({ description: 'a key id' })),
  model: Type.Optional(Type.String({ description: 'the model name clients sent' })),
  from: Type.Optional(Type.String({ description: 'ISO-8601; default 24 hours before `to`' })),
  to: Type.Optional(Type.String({ description: 'ISO-8601; default now' }))
}, { additionalProperties: false })

const counts = {
  requests: Type.Integer(),
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
  errors: Type.Integer({ description: 'failed requests (also counted in requests)' }),
  cached_inputs: Type.Integer({ description: 'embedding inputs served from the cache' })
}

export const UsageReportSchema = Type.Object({
  totals: Type.Object(counts),
  series: Type.Array(Type.Object({
    hour: Type.String({ description: 'ISO-8601 start of the UTC hour' }),
    key: Type.String(),
    model: Type.String(),
    ...counts
  }))
})
