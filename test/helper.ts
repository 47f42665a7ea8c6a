// Builds the real app from a test Config, with fake upstreams on loopback sockets, and tears it all down.
import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import { Agent } from 'undici'
import { Writable } from 'node:stream'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { mergeWithDefaults, validateConfig } from '../src/config/load.js'
import type { ConfigInput, ProviderConfig } from '../src/config/schema.js'
import {
  startFakeDeepSeek, startFakeModelScope, startFakeOllama, startFakeZhipu, type FakeUpstream
} from './fixtures/fake-upstreams/index.js'

export interface Teardown { teardown: (fn: () => unknown) => void }

export interface Fakes {
  deepseek: FakeUpstream
  zhipu: FakeUpstream
  modelscope: FakeUpstream
  ollama: FakeUpstream
}

export const KEYS = { deepseek: 'sk-deepseek-test', zhipu: 'zhipu-test.secret', modelscope: 'ms-test-token' } as const

export async function startFakes (t: Teardown): Promise<Fakes> {
  const [deepseek, zhipu, modelscope, ollama] = await Promise.all([startFakeDeepSeek(), startFakeZhipu(), startFakeModelScope(), startFakeOllama()])
  const fakes = { deepseek, zhipu, modelscope, ollama }
  t.teardown(async () => { await Promise.all(Object.values(fakes).map(async (fake) => { await fake.close() })) })
  return fakes
}

/**
 * One provider per fake, with the ids the fakes' names suggest. Retries are off unless a test asks for
 * them, so that one scripted upstream failure is one failure the client sees.
 */
export function providersFor (fakes: Partial<Fakes>, overrides: Partial<ProviderConfig> = {}): ProviderConfig[] {
  const providers: ProviderConfig[] = []
  if (fakes.deepseek !== undefined) providers.push({ id: 'deepseek', type: 'deepseek', baseUrl: fakes.deepseek.baseUrl, apiKey: KEYS.deepseek, models: ['deepseek-chat', 'deepseek-reasoner'] })
  if (fakes.zhipu !== undefined) providers.push({ id: 'zhipu', type: 'zhipu', baseUrl: fakes.zhipu.baseUrl, apiKey: KEYS.zhipu, models: ['glm-4.6', 'glm-4.5-air', 'embedding-3', 'embedding-2'] })
  if (fakes.modelscope !== undefined) providers.push({ id: 'modelscope', type: 'modelscope', baseUrl: fakes.modelscope.baseUrl, apiKey: KEYS.modelscope, models: ['Qwen/Qwen3-32B', 'Qwen/Qwen3-235B-A22B-Thinking-2507', 'Qwen/Qwen3-Embedding-8B'] })
  if (fakes.ollama !== undefined) providers.push({ id: 'ollama', type: 'ollama', baseUrl: fakes.ollama.baseUrl })
  return providers.map((provider) => ({ retries: 0, ...provider, ...overrides }))
}

export interface BuildOptions {
  /** Collects every log line the app writes, for assertions on what is (not) logged. */
  logLines?: string[]
}

export async function build (t: Teardown, input: ConfigInput, options: BuildOptions = {}): Promise<FastifyInstance> {
  const config = validateConfig(mergeWithDefaults(input))
  const logLines = options.logLines
  const app = logLines === undefined
    ? await buildApp(config)
    : await buildApp(config, {
      loggerInstance: pino({ level: 'debug' }, new Writable({
        write (chunk, _encoding, done) {
          logLines.push(String(chunk))
          done()
        }
      }))
    })
  t.teardown(async () => { await app.close() })
  await app.ready()
  return app
}

/** Listens on an ephemeral loopback port; returns the base URL (without /v1). */
export async function listen (app: FastifyInstance): Promise<string> {
  return await app.listen({ host: '127.0.0.1', port: 0 })
}

export function openai (baseUrl: string, options: { maxRetries?: number, apiKey?: string } = {}): OpenAI {
  return new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: options.apiKey ?? 'unused', maxRetries: options.maxRetries ?? 0 })
}

/**
 * An openai client on a connection pool of its own, destroyed at teardown: an aborted fetch can leave a spare
 * idle socket to the app, which app.close() would wait for.
 */
export function openaiForAbort (t: Teardown, baseUrl: string, options: { apiKey?: string } = {}): OpenAI {
  const agent = new Agent()
  t.teardown(async () => { await agent.destroy() })
  const dispatcher = agent as unknown as NonNullable<RequestInit['dispatcher']>
  return new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: options.apiKey ?? 'unused', maxRetries: 0, fetchOptions: { dispatcher } })
}
