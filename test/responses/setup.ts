// Shared setup of the Responses tests: the four backends, a function tool, and a gateway with one team key.
import OpenAI from 'openai'
import type { FastifyInstance } from 'fastify'
import { listen, type Fakes, type Teardown } from '../helper.js'
import { ALICE, gateway } from '../auth/setup.js'

export const BACKENDS = [
  { fake: 'deepseek', model: 'deepseek/deepseek-chat' },
  { fake: 'zhipu', model: 'zhipu/glm-4.6' },
  { fake: 'modelscope', model: 'modelscope/Qwen/Qwen3-32B' },
  { fake: 'ollama', model: 'ollama/llama3.2:latest' }
] as const

export const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false
}

/** A gateway over the fakes with alice's key (team a), and an openai-node client on it. */
export async function responsesClient (t: Teardown, fakes: Fakes): Promise<{ openai: OpenAI, app: FastifyInstance }> {
  const app = await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE, team: 'a' }] })
  const base = await listen(app)
  return { app, openai: new OpenAI({ baseURL: `${base}/v1`, apiKey: ALICE, maxRetries: 0 }) }
}
