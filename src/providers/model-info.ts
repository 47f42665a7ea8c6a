// What qiao knows about a model beyond OpenAI's four fields, for GET /v1/models/{id}: embedding models carry
// their default dimensions where the vendor documents them, and whether qiao answers unit-length vectors.
import type { ProviderConfig } from '../config/schema.js'

export interface ModelInfo {
  /** Default output size (docs.bigmodel.cn: embedding-3 2048, embedding-2 1024); absent when unknown. */
  dimensions?: number
  /** True when the provider is configured with `normalizeEmbeddings`; absent when qiao does not know. */
  normalized?: boolean
}

const KNOWN_DIMENSIONS: Record<string, number> = { 'zhipu/embedding-3': 2048, 'zhipu/embedding-2': 1024 }

export function isEmbeddingModel (config: ProviderConfig, model: string): boolean {
  return `${config.type}/${model}` in KNOWN_DIMENSIONS || /embed/i.test(model)
}

export function modelInfo (config: ProviderConfig, model: string): ModelInfo {
  if (!isEmbeddingModel(config, model)) return {}
  const dimensions = KNOWN_DIMENSIONS[`${config.type}/${model}`]
  return {
    ...(dimensions !== undefined ? { dimensions } : {}),
    ...(config.normalizeEmbeddings === true ? { normalized: true } : {})
  }
}
