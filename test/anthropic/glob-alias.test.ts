// Alias names with `*`: one line routes every Claude model name Claude Code sends; an exact alias still wins.
import t from 'tap'
import type { AliasConfig } from '../../src/config/schema.js'
import type { ProviderAdapter } from '../../src/providers/types.js'
import { ModelRouter } from '../../src/routing/model-router.js'

const adapter = (id: string) => ({ id, listModels: async () => [], close: async () => {} }) as unknown as ProviderAdapter
const aliases: AliasConfig[] = [
  { name: 'claude-*', targets: ['deepseek/deepseek-chat'] },
  { name: 'claude-3-5-haiku*', targets: ['zhipu/glm-4.5-air'] },
  { name: 'claude-opus-4-1', targets: ['zhipu/glm-4.6'] }
]
const router = new ModelRouter([adapter('deepseek'), adapter('zhipu')], aliases)

const served = async (model: string) => (await router.resolve(model)).map((r) => `${r.adapter.id}/${r.upstreamModel}`)

t.test('a glob alias routes every name it matches', async (t) => {
  t.same(await served('claude-sonnet-4-5-20250929'), ['deepseek/deepseek-chat'])
  t.same(await served('claude-3-5-haiku-20241022'), ['deepseek/deepseek-chat'], 'the first matching glob in config order')
})

t.test('an exact alias wins over a glob that matches it too', async (t) => {
  t.same(await served('claude-opus-4-1'), ['zhipu/glm-4.6'])
})

t.test('a name no glob matches is routed as before', async (t) => {
  t.same(await served('zhipu/glm-4.5-air'), ['zhipu/glm-4.5-air'])
  await t.rejects(async () => await served('gpt-4o'), { code: 'model_not_found' })
})

t.test('glob aliases are not listed as model names', async (t) => {
  t.same((await router.list()).map((m) => m.id), ['claude-opus-4-1'])
})
