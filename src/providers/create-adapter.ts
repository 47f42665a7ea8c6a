import type { ProviderConfig } from '../config/schema.js'
import { createDeepSeekAdapter } from './deepseek.js'
import { createModelScopeAdapter } from './modelscope.js'
import { OllamaAdapter } from './ollama/adapter.js'
import { createOpenAIAdapter } from './openai.js'
import type { ProviderAdapter } from './types.js'
import { createZhipuAdapter } from './zhipu.js'

export function createAdapter (config: ProviderConfig): ProviderAdapter {
  switch (config.type) {
    case 'deepseek': return createDeepSeekAdapter(config)
    case 'zhipu': return createZhipuAdapter(config)
    case 'modelscope': return createModelScopeAdapter(config)
    case 'ollama': return new OllamaAdapter(config)
    case 'openai': return createOpenAIAdapter(config)
  }
}
