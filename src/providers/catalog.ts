// What each provider type is when the config says no more than its type: base URL, key variable, models.
import type { ProviderType } from '../config/schema.js'

export interface ProviderDefaults {
  baseUrl: string
  /** Environment variable that enables the provider when no config file is used. */
  apiKeyEnv?: string
  requiresApiKey: boolean
  models: string[]
}

export const PROVIDER_CATALOG: Record<ProviderType, ProviderDefaults> = {
  deepseek: {
    baseUrl: 'https://api.deepseek.com',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    requiresApiKey: true,
    models: ['deepseek-chat', 'deepseek-reasoner']
  },
  zhipu: {
    baseUrl: 'https://open.bigmodel.cn/api/paas/v4',
    apiKeyEnv: 'ZHIPU_API_KEY',
    requiresApiKey: true,
    models: ['glm-4.6', 'glm-4.5-air', 'glm-4-flash', 'embedding-3']
  },
  modelscope: {
    baseUrl: 'https://api-inference.modelscope.cn/v1',
    apiKeyEnv: 'MODELSCOPE_API_KEY',
    requiresApiKey: true,
    models: ['Qwen/Qwen3-32B', 'Qwen/Qwen2.5-7B-Instruct', 'deepseek-ai/DeepSeek-V3.1']
  },
  ollama: {
    baseUrl: 'http://127.0.0.1:11434',
    requiresApiKey: false,
    models: []
  },
  openai: {
    baseUrl: 'https://api.openai.com/v1',
    requiresApiKey: false,
    models: []
  }
}
