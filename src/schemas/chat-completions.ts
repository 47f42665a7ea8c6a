// Validates the fields qiao interprets; every other field passes through to the backend.
import { Type, type TSchema } from '@sinclair/typebox'

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]))
const Open = { additionalProperties: true } as const

const Message = Type.Object({
  role: Type.Union(['system', 'developer', 'user', 'assistant', 'tool', 'function'].map((r) => Type.Literal(r))),
  content: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Object({ type: Type.String() }, Open)), Type.Null()]))
}, Open)

const Tool = Type.Object({
  type: Type.String(),
  function: Type.Optional(Type.Object({ name: Type.String({ minLength: 1 }) }, Open))
}, Open)

export const ChatCompletionRequestSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  messages: Type.Array(Message, { minItems: 1 }),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  stream_options: Type.Optional(Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, Open), Type.Null()])),
  n: Nullable(Type.Integer({ minimum: 1, maximum: 128 })),
  temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  max_tokens: Nullable(Type.Integer({ minimum: 1 })),
  max_completion_tokens: Nullable(Type.Integer({ minimum: 1 })),
  seed: Nullable(Type.Integer()),
  stop: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 16 }), Type.Null()])),
  tools: Type.Optional(Type.Array(Tool)),
  user: Type.Optional(Type.String())
}, { ...Open, $id: 'ChatCompletionRequest' })

export const ChatCompletionResponseSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('chat.completion'),
  created: Type.Integer(),
  model: Type.String(),
  choices: Type.Array(Type.Object({
    index: Type.Integer(),
    message: Type.Object({ role: Type.String(), content: Type.Union([Type.String(), Type.Null()]) }, Open),
    finish_reason: Type.Union([Type.String(), Type.Null()])
  }, Open)),
  usage: Type.Optional(Type.Object({
    prompt_tokens: Type.Integer(), completion_tokens: Type.Integer(), total_tokens: Type.Integer()
  }, Open))
}, {
  ...Open,
  $id: 'ChatCompletion',
  description: 'With `stream: true` the answer is instead `text/event-stream`: `data: <chat.completion.chunk>` events ending with `data: [DONE]`, or `data: {"error":{...}}` if the backend fails mid-stream.'
})
