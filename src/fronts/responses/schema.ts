// Validates the Responses fields this front interprets; the rest is checked by the translator (to-chat.ts).
import { Type, type TSchema } from '@sinclair/typebox'

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]))
const Open = { additionalProperties: true } as const
const Item = Type.Object({ type: Type.Optional(Type.String()) }, Open)

export const ResponsesRequestSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  input: Type.Optional(Type.Union([Type.String(), Type.Array(Item)])),
  instructions: Nullable(Type.String()),
  tools: Nullable(Type.Array(Type.Object({ type: Type.String() }, Open))),
  tool_choice: Nullable(Type.Union([Type.String(), Type.Object({ type: Type.String() }, Open)])),
  text: Nullable(Type.Object({ format: Nullable(Type.Object({ type: Type.String() }, Open)) }, Open)),
  max_output_tokens: Nullable(Type.Integer({ minimum: 1 })),
  temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  reasoning: Nullable(Type.Object({ effort: Nullable(Type.String()) }, Open)),
  metadata: Nullable(Type.Record(Type.String(), Type.String())),
  store: Nullable(Type.Boolean()),
  previous_response_id: Nullable(Type.String({ minLength: 1 })),
  stream: Nullable(Type.Boolean())
}, { ...Open, $id: 'ResponsesRequest' })

export const ResponseSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('response'),
  created_at: Type.Integer(),
  status: Type.String(),
  model: Type.String(),
  output: Type.Array(Item),
  usage: Type.Union([Type.Object({
    input_tokens: Type.Integer(), output_tokens: Type.Integer(), total_tokens: Type.Integer()
  }, Open), Type.Null()])
}, {
  ...Open,
  $id: 'Response',
  description: 'With `stream: true` the answer is instead `text/event-stream`: `event: <type>` / `data: <event>` pairs with a rising ' +
    '`sequence_number`, from `response.created` to `response.completed` (or `response.incomplete`), or `response.failed` if the backend fails mid-stream.'
})

export const ResponseIdParams = Type.Object({ id: Type.String({ minLength: 1 }) })

export const InputItemsQuery = Type.Object({
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  // Query strings are not coerced: a number comes as digits.
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|100)$', description: '1 to 100, default 20' })),
  after: Type.Optional(Type.String())
})

export const InputItemsListSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(Item),
  first_id: Type.Union([Type.String(), Type.Null()]),
  last_id: Type.Union([Type.String(), Type.Null()]),
  has_more: Type.Boolean()
}, { $id: 'ResponseInputItemList' })

export const DeletedResponseSchema = Type.Object({
  id: Type.String(), object: Type.Literal('response'), deleted: Type.Boolean()
}, { $id: 'DeletedResponse' })
