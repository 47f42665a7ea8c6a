// POST /v1/rerank in the shape Cohere, Jina, Xinference and LiteLLM share (Dify, LangChain and LlamaIndex send it).
import { Type, type Static } from '@sinclair/typebox'

const Document = Type.Union([
  Type.String(),
  Type.Object({ text: Type.String() }, { additionalProperties: true })
], { description: 'a string, or an object with `text`' })

export const RerankRequestSchema = Type.Object({
  model: Type.String({ minLength: 1 }),
  query: Type.String({ minLength: 1 }),
  documents: Type.Array(Document, { minItems: 1 }),
  top_n: Type.Optional(Type.Integer({ minimum: 1, description: 'how many results to return; all when absent' })),
  return_documents: Type.Optional(Type.Boolean({ description: 'add each result\'s `document: { text }`' }))
}, { additionalProperties: true, $id: 'RerankRequest' })

export const RerankResponseSchema = Type.Object({
  id: Type.String(),
  model: Type.String(),
  results: Type.Array(Type.Object({
    index: Type.Integer({ description: 'position in the request\'s `documents`' }),
    relevance_score: Type.Number(),
    document: Type.Optional(Type.Object({ text: Type.String() }))
  }), { description: 'most relevant first' }),
  usage: Type.Object({ total_tokens: Type.Integer() })
}, { $id: 'RerankResponse' })

export type RerankRequest = Static<typeof RerankRequestSchema>
