// Request and response shapes of GET /admin/usage.
import { Type } from '@sinclair/typebox'

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
