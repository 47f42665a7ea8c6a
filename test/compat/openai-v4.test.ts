// openai-node v4 (4.104, still pinned by many apps) against qiao: the same cases as v6, with the tool
// helpers under `beta`, node-fetch underneath and `request_id` instead of `requestID`.
import t from 'tap'
import { Agent } from 'node:http'
import OpenAI from 'openai-v4'
import { openAISdkCases } from './openai-sdk-cases.js'

const connect = (base: string, options: { maxRetries?: number, httpAgent?: Agent } = {}) =>
  new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: options.maxRetries ?? 0, ...(options.httpAgent ? { httpAgent: options.httpAgent } : {}) })

await openAISdkCases(t, {
  version: 'v4',
  errors: OpenAI,
  connect,
  // No keep-alive: a socket left open to the app would hold up app.close().
  connectForAbort: (_t, base) => connect(base, { httpAgent: new Agent({ keepAlive: false }) }),
  toolHelpersPath: 'beta.chat.completions',
  toolHelpers: (client) => client.beta.chat.completions,
  requestIdOf: (err) => err.request_id,
  headerOf: (err, name) => err.headers?.[name]
})
