// The official openai-node v6 client against qiao, as its users call it (the cases are shared with v4).
import t from 'tap'
import OpenAI from 'openai'
import { openai, openaiForAbort } from '../helper.js'
import { openAISdkCases } from './openai-sdk-cases.js'

await openAISdkCases(t, {
  version: 'v6',
  errors: OpenAI,
  connect: openai,
  connectForAbort: (t, base) => openaiForAbort(t, base),
  toolHelpersPath: 'chat.completions',
  toolHelpers: (client) => client.chat.completions,
  requestIdOf: (err) => err.requestID,
  headerOf: (err, name) => err.headers?.get(name)
})
