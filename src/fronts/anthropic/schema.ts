// TypeBox schemas of the Messages API: the fields qiao reads are checked, the rest are allowed through
// (additionalProperties), so newer Anthropic fields do not fail validation.
import { Type } from '@sinclair/typebox'

const Block = Type.Object({ type: Type.String() }, { description: 'A content block: text, image (base64 or url), tool_use, tool_result, thinking' })

const MessageParam = Type.Object({
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.Union([Type.String(), Type.Array(Block)])
})

const Tool = Type.Object({
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  input_schema: Type.Optional(Type.Object({}))
})

const ToolChoice = Type.Object({
  type: Type.Union([Type.Literal('auto'), Type.Literal('any'), Type.Literal('tool'), Type.Literal('none')]),
  name: Type.Optional(Type.String()),
  disable_parallel_tool_use: Type.Optional(Type.Boolean())
})

const Prompt = {
  model: Type.String({ minLength: 1, description: 'A model name qiao routes: an alias (globs such as claude-* included), provider/model or a bare name' }),
  messages: Type.Array(MessageParam, { minItems: 1 }),
  system: Type.Optional(Type.Union([Type.String(), Type.Array(Block)])),
  tools: Type.Optional(Type.Array(Tool)),
  tool_choice: Type.Optional(ToolChoice),
  thinking: Type.Optional(Type.Object({
    type: Type.String({ description: 'enabled, disabled, adaptive' }),
    budget_tokens: Type.Optional(Type.Integer({ minimum: 0 }))
  }, { description: 'Mapped to the backend\'s reasoning switch through reasoning_effort: disabled → none; output_config.effort as it is; enabled → low (budget < 4096), medium (< 16384) or high' })),
  output_config: Type.Optional(Type.Object({
    effort: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    format: Type.Optional(Type.Union([Type.Object({ type: Type.String() }), Type.Null()]))
  }, { description: 'effort → reasoning_effort; format (json_schema) → response_format' }))
}

export const MessagesRequestSchema = Type.Object({
  ...Prompt,
  max_tokens: Type.Integer({ minimum: 1 }),
  temperature: Type.Optional(Type.Number({ minimum: 0 })),
  top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  stop_sequences: Type.Optional(Type.Array(Type.String())),
  metadata: Type.Optional(Type.Object({ user_id: Type.Optional(Type.Union([Type.String(), Type.Null()])) })),
  stream: Type.Optional(Type.Boolean())
}, { description: 'Anthropic Messages request' })

export const CountTokensRequestSchema = Type.Object(Prompt, { description: 'Anthropic count_tokens request' })

const Usage = Type.Object({
  input_tokens: Type.Integer(),
  output_tokens: Type.Integer(),
  cache_read_input_tokens: Type.Optional(Type.Integer({ description: 'Prompt tokens the backend served from its cache, when it reports them' }))
})

export const MessageResponseSchema = Type.Object({
  id: Type.String(),
  type: Type.Literal('message'),
  role: Type.Literal('assistant'),
  model: Type.String(),
  content: Type.Array(Type.Object({ type: Type.String() }, { description: 'text, thinking or tool_use (input parsed from the backend\'s JSON arguments)' })),
  stop_reason: Type.Union([Type.String(), Type.Null()], { description: 'end_turn, max_tokens, stop_sequence, tool_use or refusal' }),
  stop_sequence: Type.Union([Type.String(), Type.Null()]),
  usage: Usage
}, { description: 'Anthropic message; with stream: true, server-sent events (message_start, content_block_start/delta/stop, ping, message_delta, message_stop, error)' })

export const CountTokensResponseSchema = Type.Object({
  input_tokens: Type.Integer({ description: 'An estimate (characters / 4), not a tokenizer count' })
})

export const AnthropicErrorSchema = Type.Object({
  type: Type.Literal('error'),
  error: Type.Object({ type: Type.String(), message: Type.String() }),
  request_id: Type.Optional(Type.String())
}, { description: 'Anthropic-style error body' })
