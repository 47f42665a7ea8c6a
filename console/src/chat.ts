// One chat call through /v1 with the session cookie, streamed or not; what the gateway said about it.
export interface ChatOutcome { text: string, requestId: string, provider: string, model: string, attempts: string, cost: string, tokens: number | null, error?: string }

interface Chunk { choices?: Array<{ delta?: { content?: string | null } }>, usage?: { total_tokens?: number } | null, error?: { message?: string } }
interface Answer { choices?: Array<{ message?: { content?: string | null } }>, usage?: { total_tokens?: number }, error?: { message?: string } }

export async function chat (model: string, content: string, options: { stream: boolean, maxTokens?: number, onText?: (text: string) => void }): Promise<ChatOutcome> {
  const res = await fetch('/v1/chat/completions', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-qiao-include-cost': 'true' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content }],
      stream: options.stream,
      ...(options.stream ? { stream_options: { include_usage: true } } : {}),
      ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {})
    })
  })
  const h = (name: string) => res.headers.get(name) ?? ''
  const outcome: ChatOutcome = { text: '', requestId: h('x-request-id'), provider: h('x-qiao-provider'), model: h('x-qiao-model'), attempts: h('x-qiao-attempts'), cost: h('x-qiao-cost'), tokens: null }
  if (!res.ok || !options.stream || res.body === null) {
    const body = await res.json() as Answer
    if (!res.ok) return { ...outcome, error: `${res.status}: ${body.error?.message ?? res.statusText}` }
    return { ...outcome, text: body.choices?.[0]?.message?.content ?? '', tokens: body.usage?.total_tokens ?? null }
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += value
    const events = buffer.split('\n\n')
    buffer = events.pop() ?? ''
    for (const event of events) {
      // The gateway's cost of a stream arrives as a comment before [DONE]: its headers left before the usage.
      const cost = /^: x-qiao-cost (\S+)$/m.exec(event)?.[1]
      if (cost !== undefined) outcome.cost = cost
      const data = event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('')
      if (data === '' || data === '[DONE]') continue
      const chunk = JSON.parse(data) as Chunk
      if (chunk.error !== undefined) return { ...outcome, error: chunk.error.message ?? 'stream error' }
      outcome.text += chunk.choices?.[0]?.delta?.content ?? ''
      if (chunk.usage?.total_tokens !== undefined) outcome.tokens = chunk.usage.total_tokens
      options.onText?.(outcome.text)
    }
  }
  return outcome
}
