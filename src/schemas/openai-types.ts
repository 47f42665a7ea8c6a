// The OpenAI wire objects qiao reads or writes. Wire fields keep OpenAI's snake_case; index signatures
// keep every field we do not interpret, so provider extras pass through untouched.
export interface ContentPart {
  type: string
  text?: string
  image_url?: { url: string, detail?: string }
  [field: string]: unknown
}

export interface ToolCall {
  id?: string
  type?: string
  index?: number
  function?: { name?: string, arguments?: string | Record<string, unknown> }
  [field: string]: unknown
}

export interface ChatMessage {
  role: string
  content?: string | ContentPart[] | null
  tool_calls?: ToolCall[]
  tool_call_id?: string
  name?: string
  reasoning_content?: string | null
  [field: string]: unknown
}

export interface ChatCompletionRequest {
  model: string
  messages: ChatMessage[]
  stream?: boolean | null
  stream_options?: { include_usage?: boolean | null, [field: string]: unknown } | null
  [field: string]: unknown
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  [field: string]: unknown
}

export interface ChatChoice {
  index: number
  message: ChatMessage
  finish_reason: string | null
  [field: string]: unknown
}

export interface ChatCompletion {
  id: string
  object: 'chat.completion'
  created: number
  model: string
  choices: ChatChoice[]
  usage?: Usage | null
  [field: string]: unknown
}

export interface ChunkDelta {
  role?: string
  content?: string | null
  reasoning_content?: string | null
  tool_calls?: ToolCall[]
  [field: string]: unknown
}

export interface ChunkChoice {
  index: number
  delta: ChunkDelta
  finish_reason?: string | null
  [field: string]: unknown
}

export interface ChatCompletionChunk {
  id?: string
  object?: string
  created?: number
  model?: string
  choices: ChunkChoice[]
  usage?: Usage | null
  [field: string]: unknown
}

export type EmbeddingInput = string | string[] | number[] | number[][]

export interface EmbeddingRequest {
  model: string
  input: EmbeddingInput
  encoding_format?: 'float' | 'base64'
  dimensions?: number
  user?: string
  [field: string]: unknown
}
