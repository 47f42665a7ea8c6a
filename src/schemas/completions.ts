// POST /v1/completions: OpenAI's legacy text completions, with `suffix` for fill in the middle.
import { Type, type Static, type TSchema } from '@sinclair/typebox'

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]))

export const CompletionRequestSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  prompt: Type.String({ description: 'one prompt; arrays of prompts and token arrays are not accepted' }),
  suffix: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'text after the completion (fill in the middle)' })),
  max_tokens: Nullable(Type.Integer({ minimum: 0 })),
  temperature: Nullable(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  stop: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String()), Type.Null()])),
  echo: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  logprobs: Nullable(Type.Integer({ minimum: 0, maximum: 20 })),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  stream_options: Type.Optional(Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, { additionalProperties: true }), Type.Null()]))
}, { additionalProperties: true, $id: 'CompletionRequest' })

export const CompletionResponseSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('text_completion'),
  created: Type.Integer(),
  model: Type.String(),
  choices: Type.Array(Type.Object({
    index: Type.Integer(),
    text: Type.String(),
    logprobs: Type.Optional(Type.Unknown()),
    finish_reason: Type.Union([Type.String(), Type.Null()])
  })),
  usage: Type.Optional(Type.Object({ prompt_tokens: Type.Integer(), completion_tokens: Type.Integer(), total_tokens: Type.Integer() }))
}, { $id: 'CompletionResponse' })

export type CompletionRequest = Static<typeof CompletionRequestSchema>
