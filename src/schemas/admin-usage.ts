// Request and response shapes of GET /admin/usage.
import { Type } from '@sinclair/typebox'

// group_by and format are plain strings here and checked in src/usage/group-by.ts, whose 400 lists the
// allowed values (a schema enum would only say "must be equal to one of the allowed values").
export const UsageQuery = Type.Object({
  team: Type.Optional(Type.String({ description: 'a team id: usage counted while the key was in that team' })),
  key: Type.Optional(Type.String({ description: 'a key id' })),
  model: Type.Optional(Type.String({ description: 'the model name clients sent' })),
  from: Type.Optional(Type.String({ description: 'ISO-8601; default 24 hours before `to`' })),
  to: Type.Optional(Type.String({ description: 'ISO-8601; default now' })),
  group_by: Type.Optional(Type.String({
    description: 'comma-separated dimensions among hour, day (the UTC date), team, key, model; default `hour,key,model`. ' +
      'Rows carry only these, in the order given; hour and day exclude each other.'
  })),
  format: Type.Optional(Type.String({ description: '`json` (default) or `csv`: the same rows as text/csv, a header row first and a totals row last' }))
}, { additionalProperties: false })

const Money = (description: string) => Type.String({ description: `${description}: a decimal string in \`currency\`, e.g. "0.0123"` })

const counts = {
  requests: Type.Integer(),
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer(),
  errors: Type.Integer({ description: 'failed requests (also counted in requests)' }),
  cached_inputs: Type.Integer({ description: 'embedding inputs served from the cache' }),
  cached_prompt_tokens: Type.Integer({ description: 'prompt tokens the backend served from its own prompt cache (part of prompt_tokens)' }),
  cost: Money('what the requests cost'),
  saved_cost: Money('what the embedding inputs served from the cache would have cost')
}

const label = (description: string) => Type.Optional(Type.String({ description: `${description}; present when grouped by it` }))

export const UsageReportSchema = Type.Object({
  currency: Type.String({ description: 'pricing.currency, an ISO 4217 code' }),
  totals: Type.Object(counts),
  series: Type.Array(Type.Object({
    hour: label('ISO-8601 start of the UTC hour'),
    day: label('the UTC date, YYYY-MM-DD'),
    team: label('the team of the key when the request was made'),
    key: label('a key id'),
    model: label('the model name the client sent'),
    ...counts
  }))
})

export const UsageCsvSchema = Type.String({
  description: 'RFC 4180: header row (the group_by columns, the counts, currency), one row per group, then a totals ' +
    'row with "total" in its first column; money as plain decimals'
})
