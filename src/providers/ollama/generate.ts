// Legacy text completions on Ollama's native /api/generate (docs.ollama.com/api/generate): `prompt`, `suffix`
// for fill in the middle and `raw` pass as Ollama documents them; sampling goes into `options` as for chat.
// Ollama has no echo, so qiao prepends the prompt itself; OpenAI's integer `logprobs` has no Ollama equivalent.
import { randomUUID } from 'node:crypto'
import type { ProviderConfig } from '../../config/schema.js'
import { durationMs } from '../../config/duration.js'
import { InvalidRequestError, UpstreamError } from '../../errors/gateway-error.js'
import type { TextCompletion, TextCompletionRequest } from '../types.js'
import { asObject, modelOptions, samplingOptions } from './to-native-request.js'

/** Fields translated here; every other top-level field (raw, system, template, format, keep_alive…) passes through. */
const TRANSLATED = new Set(['model', 'prompt', 'stream', 'stream_options', 'echo', 'logprobs', 'temperature', 'top_p', 'seed', 'stop',
  'max_tokens', 'presence_penalty', 'frequency_penalty', 'n', 'best_of', 'user', 'logit_bias', 'options'])

export interface NativeGenerateLine {
  model?: string
  created_at?: string
  response?: string
  done?: boolean
  done_reason?: string
  prompt_eval_count?: number
  eval_count?: number
  error?: unknown
}

export function toNativeGenerate (request: TextCompletionRequest, config: ProviderConfig, stream: boolean): Record<string, unknown> {
  const logprobs = request['logprobs']
  if (logprobs !== undefined && logprobs !== null) {
    throw new InvalidRequestError(`${config.id} (Ollama) has no logprobs for text completions`, { param: 'logprobs', code: 'unsupported_parameter' })
  }
  for (const name of ['n', 'best_of']) {
    const value = request[name]
    if (typeof value === 'number' && value > 1) throw new InvalidRequestError(`${config.id} returns one choice per request; ${name}=${value} is not supported`, { param: name, code: 'unsupported_parameter' })
  }
  const body: Record<string, unknown> = { model: request.model, prompt: request.prompt, stream }
  for (const [key, value] of Object.entries(request)) if (!TRANSLATED.has(key) && value !== undefined && value !== null) body[key] = value
  const options = { ...modelOptions(config, request.model), ...samplingOptions(request), ...asObject(request['options']) }
  if (Object.keys(options).length > 0) body['options'] = options
  if (config.keepAlive !== undefined && body['keep_alive'] === undefined) body['keep_alive'] = durationMs(config.keepAlive) / 1000
  return body
}

/** Native lines → `text_completion` chunks (per stream: the echoed prompt goes out once, first). */
export class GenerateTranslator {
  private echo: string

  constructor (private readonly providerId: string, request: TextCompletionRequest) {
    this.echo = request.echo === true ? request.prompt : ''
  }

  chunk (line: NativeGenerateLine): TextCompletion {
    if (line.error !== undefined) throw new UpstreamError(`${this.providerId}: ${typeof line.error === 'string' ? line.error : JSON.stringify(line.error)}`, { code: 'upstream_stream_error' })
    const text = this.echo + (line.response ?? '')
    this.echo = ''
    const done = line.done === true
    const chunk: TextCompletion = { object: 'text_completion', choices: [{ index: 0, text, logprobs: null, finish_reason: done ? (line.done_reason === 'length' ? 'length' : 'stop') : null }] }
    if (done) {
      const prompt = line.prompt_eval_count ?? 0
      const completion = line.eval_count ?? 0
      chunk.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
    }
    return chunk
  }

  completion (line: NativeGenerateLine, model: string): TextCompletion {
    const ms = line.created_at === undefined ? Number.NaN : Date.parse(line.created_at)
    const created = Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000)
    return { ...this.chunk({ ...line, done: true }), id: `cmpl-${randomUUID()}`, created, model }
  }
}
