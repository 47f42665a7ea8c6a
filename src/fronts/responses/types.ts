// The OpenAI Responses wire objects this front reads or writes. Fields keep OpenAI's snake_case; index
// signatures keep what we do not interpret (so a stored item is returned exactly as it was sent).
import { randomBytes } from 'node:crypto'

export interface ContentPart {
  type: string
  text?: string
  image_url?: string | null
  file_id?: string | null
  detail?: string
  refusal?: string
  [field: string]: unknown
}

/** Any input or output item: message, function_call, function_call_output, reasoning (others are refused). */
export interface ResponseItem {
  type?: string
  id?: string
  role?: string
  status?: string
  content?: string | ContentPart[] | null
  call_id?: string
  name?: string
  arguments?: string
  output?: string | ContentPart[]
  summary?: ContentPart[]
  [field: string]: unknown
}

export interface TextFormat {
  type: string
  name?: string
  schema?: unknown
  strict?: boolean | null
  description?: string
  [field: string]: unknown
}

export interface ResponsesTool {
  type: string
  name?: string
  description?: string | null
  parameters?: unknown
  strict?: boolean | null
  [field: string]: unknown
}

export interface ResponsesRequest {
  model: string
  input?: string | ResponseItem[]
  instructions?: string | null
  tools?: ResponsesTool[] | null
  tool_choice?: string | { type: string, name?: string, [field: string]: unknown } | null
  text?: { format?: TextFormat | null, [field: string]: unknown } | null
  max_output_tokens?: number | null
  temperature?: number | null
  top_p?: number | null
  reasoning?: { effort?: string | null, [field: string]: unknown } | null
  metadata?: Record<string, string> | null
  store?: boolean | null
  previous_response_id?: string | null
  stream?: boolean | null
  parallel_tool_calls?: boolean | null
  [field: string]: unknown
}

export interface ResponseUsage {
  input_tokens: number
  input_tokens_details: { cached_tokens: number }
  output_tokens: number
  output_tokens_details: { reasoning_tokens: number }
  total_tokens: number
}

export interface ResponseObject {
  id: string
  object: 'response'
  created_at: number
  status: 'completed' | 'incomplete' | 'failed' | 'in_progress'
  model: string
  output: ResponseItem[]
  usage: ResponseUsage | null
  error: { code: string, message: string } | null
  incomplete_details: { reason: string } | null
  [field: string]: unknown
}

/** OpenAI-looking ids: a type prefix and random hex (`resp_…`, `msg_…`, `fc_…`, `rs_…`). */
export const newId = (prefix: string): string => `${prefix}_${randomBytes(24).toString('hex')}`
