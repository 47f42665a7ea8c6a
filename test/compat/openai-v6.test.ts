// The official openai-node v6 client against qiao, as its users call it (the cases are shared with v4).
import t from 'tap'
import OpenAI from 'openai'
import { Agent } from 'undici'
import { openai } from '../helper.js'
import { openAISdkCases } from './openai-sdk-cases.js'

await openAISdkCases(t, {
  version: 'v6',
  errors: OpenAI,
  connect: openai,
  connectForAbort: (t, base) => {
    // A pool of its own, destroyed at the end: an aborted fetch can leave a spare idle socket to the app,
    // which app.close() then waits for. (undici's Agent vs the global fetch's own undici-types: same shape.)
    const agent = new Agent()
    t.teardown(async () => { await agent.destroy() })
    const dispatcher = agent as unknown as NonNullable<RequestInit['dispatcher']>
    return new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0, fetchOptions: { dispatcher } })
  },
  toolHelpersPath: 'chat.completions',
  toolHelpers: (client) => client.chat.completions,
  requestIdOf: (err) => err.requestID,
  headerOf: (err, name) => err.headers?.get(name)
})
