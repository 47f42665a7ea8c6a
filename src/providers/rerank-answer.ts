// A backend's rerank answer → scores by document index. Servers agree on little beyond `index`: Cohere, Jina,
// Xinference and Zhipu answer `results[].relevance_score`, TEI's own /rerank a bare `[{index, score}]`; some
// wrap results in `data`. The documents themselves are taken from the request, never from the answer (Zhipu's
// `document` is a plain string, Cohere's an object, TEI sends none).
import { UpstreamError } from '../errors/gateway-error.js'
import type { RerankResult } from './types.js'

interface ScoreItem { index?: unknown, relevance_score?: unknown, score?: unknown }
interface Answer { results?: unknown, data?: unknown, usage?: { prompt_tokens?: unknown, total_tokens?: unknown } | null }

export function readRerankAnswer (answer: unknown, documents: number, providerId: string): RerankResult {
  const body = (Array.isArray(answer) ? { results: answer } : answer ?? {}) as Answer
  const items = Array.isArray(body.results) ? body.results : Array.isArray(body.data) ? body.data : undefined
  if (items === undefined) throw bad(providerId, 'has no results')
  const scores = (items as ScoreItem[]).map((item) => {
    const index = item?.index
    const score = item?.relevance_score ?? item?.score
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= documents) throw bad(providerId, `names document ${String(index)} of ${documents}`)
    if (typeof score !== 'number' || !Number.isFinite(score)) throw bad(providerId, `has no score for document ${index}`)
    return { index, relevance_score: score }
  })
  return { scores, usage: usageOf(body.usage) }
}

function usageOf (usage: Answer['usage']): RerankResult['usage'] {
  const total = usage?.total_tokens ?? usage?.prompt_tokens
  if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) return undefined
  return { prompt_tokens: total, total_tokens: total }
}

function bad (providerId: string, what: string): UpstreamError {
  return new UpstreamError(`${providerId}: the rerank answer ${what}`, { code: 'upstream_bad_response' })
}
