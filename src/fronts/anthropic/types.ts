// The Anthropic Messages wire objects qiao reads or writes (https://docs.anthropic.com/en/api/messages).
// Fields keep Anthropic's snake_case; index signatures keep what we do not interpret.

export interface TextBlock { type: 'text', text: string, [field: string]: unknown }
export interface ThinkingBlock { type: 'thinking', thinking: string, signature: string }
export interface ToolUseBlock { type: 'tool_use', id: string, name: string, input: unknown }

export interface ImageSource { type: string, media_type?: string, data?: string, url?: string }

/** Any block a request may carry; `type` decides which other fields matter. */
export interface RequestBlock {
  type: string
  text?: string
  source?: ImageSource
  id?: string
  name?: string
  input?: unknown
  tool_use_id?: string
  content?: string | RequestBlock[]
  is_error?: boolean
  thinking?: string
  [field: string]: unknown
}

export interface AnthropicMessageParam {
  role: 'user' | 'assistant'
  content: string | RequestBlock[]
}

export interface AnthropicTool {
  name: string
  description?: string
  input_schema?: Record<string, unknown>
  type?: string
  [field: string]: unknown
}

export interface AnthropicToolChoice {
  type: 'auto' | 'any' | 'tool' | 'none'
  name?: string
  disable_parallel_tool_use?: boolean
}

export interface MessagesRequest {
  model: string
  max_tokens: number
  messages: AnthropicMessageParam[]
  system?: string | RequestBlock[]
  tools?: AnthropicTool[]
  tool_choice?: AnthropicToolChoice
  temperature?: number
  top_p?: number
  top_k?: number
  stop_sequences?: string[]
  thinking?: { type: string, budget_tokens?: number }
  output_config?: { effort?: string | null, format?: { type: string, schema?: unknown } | null }
  metadata?: { user_id?: string | null }
  stream?: boolean
  [field: string]: unknown
}

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal' | 'pause_turn'

export interface AnthropicUsage {
  input_tokens: number
  output_tokens: number
  cache_read_input_tokens?: number
  cache_creation_input_tokens?: number
}

export type ContentBlock = TextBlock | ThinkingBlock | ToolUseBlock

export interface AnthropicMessage {
  id: string
  type: 'message'
  role: 'assistant'
  model: string
  content: ContentBlock[]
  stop_reason: StopReason | null
  stop_sequence: string | null
  usage: AnthropicUsage
}
