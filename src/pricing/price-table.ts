// Built-in prices for the default models of each provider type, per 1M tokens, in CNY. Prices change often:
// update a row, its source and the date it was read. `pricing.models` in the config overrides or extends
// this table. Keys are `<provider type>/<upstream model>`; `*` is a glob.
import type { PriceConfig } from '../config/schema.js'

export const BUILT_IN_CURRENCY = 'CNY'

export interface PriceRow extends PriceConfig {
  source: string
  read: string
}

export const BUILT_IN_PRICES: Record<string, PriceRow> = {
  // DeepSeek V4 (from 2026-04-24): deepseek-chat and deepseek-reasoner are served by deepseek-v4-flash.
  'deepseek/deepseek-chat': { input: 1, cachedInput: 0.02, output: 2, source: 'https://api-docs.deepseek.com/zh-cn/quick_start/pricing', read: '2026-12-07' },
  'deepseek/deepseek-reasoner': { input: 1, cachedInput: 0.02, output: 2, source: 'https://api-docs.deepseek.com/zh-cn/quick_start/pricing', read: '2026-12-07' },
  'deepseek/deepseek-v4-flash': { input: 1, cachedInput: 0.02, output: 2, source: 'https://api-docs.deepseek.com/zh-cn/quick_start/pricing', read: '2026-12-07' },
  'deepseek/deepseek-v4-pro': { input: 12, cachedInput: 0.1, output: 24, source: 'https://api-docs.deepseek.com/zh-cn/quick_start/pricing (list price)', read: '2026-12-07' },
  // Zhipu prices GLM-4.5/4.6 in tiers by input length; this is the lowest tier (input ≤ 32K tokens). Price
  // the model in `pricing.models` if your prompts are longer.
  'zhipu/glm-4.6': { input: 2, cachedInput: 0.4, output: 8, source: 'https://www.bigmodel.cn/pricing (lowest tier)', read: '2026-12-07' },
  'zhipu/glm-4.5-air': { input: 0.8, cachedInput: 0.16, output: 2, source: 'https://www.bigmodel.cn/pricing (lowest tier)', read: '2026-12-07' },
  'zhipu/glm-4-flash*': { input: 0, output: 0, source: 'https://www.bigmodel.cn/pricing (free)', read: '2026-12-07' },
  'zhipu/embedding-3': { input: 0.5, source: 'https://www.bigmodel.cn/pricing', read: '2026-12-07' },
  'zhipu/embedding-2': { input: 0.5, source: 'https://www.bigmodel.cn/pricing', read: '2026-12-07' },
  // ModelScope API-Inference is free within a daily allowance per account; Ollama runs locally.
  'modelscope/*': { input: 0, output: 0, source: 'https://modelscope.cn/docs/model-service/API-Inference/intro (free allowance)', read: '2026-12-07' },
  'ollama/*': { input: 0, output: 0, source: 'local models', read: '2026-12-07' }
}
