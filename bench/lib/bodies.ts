// Request bodies and model names shared by the suites, bench/serve.ts and the fake upstream.

export const CHAT_MODEL = 'deepseek-chat'
/** The fake paces stream chunks for models with these suffixes (ms between chunks); qiao lists them too. */
export const PACED: Record<string, number> = { '-paced': 2, '-slow': 20 }
export const CHAT_MODELS = [CHAT_MODEL, ...Object.keys(PACED).map((suffix) => CHAT_MODEL + suffix)]
export const EMBED_MODEL = 'nomic-embed-text'
export const STREAM_CHUNKS = 50
export const BATCH = 16

// ~1 KB of JSON, like a short chat turn with a system prompt.
const SYSTEM = 'You are a concise assistant for an internal engineering wiki. Answer in plain English, cite page titles ' +
  'when you use them, and say so when you do not know. Keep answers under two hundred words unless asked for more.'
const USER = 'Our nightly job copies the billing tables into the analytics warehouse and then rebuilds the revenue ' +
  'dashboards. Last night the copy finished but two dashboards show yesterday\'s figures. The job log says every ' +
  'step succeeded. What should I check first, in order, and which of those checks can I run without touching production? ' +
  'Please keep it short; I will read the linked pages myself. Context: warehouse is columnar, dashboards cache for 6 hours.'

export function chatBody (model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }],
    temperature: 0.2,
    max_tokens: 512,
    ...(stream ? { stream: true } : {})
  })
}

const nonce = Date.now().toString(36)
let counter = 0
/** A text no run has sent before: the cache misses it. */
export const freshText = (): string => `bench ${nonce} sentence number ${counter++} about nothing in particular`
export const fresh = (n: number): string[] => Array.from({ length: n }, freshText)
/** Always the same batch: cached after the warm-up. */
export const HOT = Array.from({ length: BATCH }, (_, i) => `a hot sentence ${i} asked for again and again`)
export const REPEATED = Array.from({ length: BATCH / 2 }, (_, i) => `a repeated sentence ${i} that the cache already holds`)

/** qiao's POST /v1/embeddings. */
export const embedBody = (input: string[], encoding: 'base64' | 'float'): string =>
  JSON.stringify({ model: EMBED_MODEL, input, encoding_format: encoding })
/** The fake's native POST /api/embed, as qiao's ollama adapter calls it. */
export const nativeEmbedBody = (input: string[]): string => JSON.stringify({ model: EMBED_MODEL, input })
