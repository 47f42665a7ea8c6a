// The OpenAI Agents SDK for JS (which speaks the Responses API by default) runs a tool loop through qiao to
// each backend's fake: the model calls the tool, the SDK runs it and sends its result back, the model answers.
import t from 'tap'
import OpenAI from 'openai'
import { z } from 'zod'
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool } from '@openai/agents'
import { listen, startFakes, type Fakes } from '../helper.js'
import { ALICE, gateway } from '../auth/setup.js'
import { BACKENDS } from './setup.js'

let fakes: Fakes
let base: string
t.before(async () => {
  fakes = await startFakes(t)
  base = await listen(await gateway(t, fakes, { keys: [{ id: 'alice', key: ALICE, team: 'a' }] }))
  setTracingDisabled(true)
  setOpenAIAPI('responses')
  // The SDK's types name openai's CommonJS build; the client is the same class.
  setDefaultOpenAIClient(new OpenAI({ baseURL: `${base}/v1`, apiKey: ALICE, maxRetries: 0 }) as unknown as Parameters<typeof setDefaultOpenAIClient>[0])
})

function weatherAgent (model: string, calls: string[]): Agent {
  const getWeather = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push(city)
      return `sunny in ${city}`
    }
  })
  return new Agent({ name: 'Weather', instructions: 'Answer with the weather.', model, tools: [getWeather] })
}

for (const { fake, model } of BACKENDS) {
  for (const stream of [false, true]) {
    t.test(`${fake}: a ${stream ? 'streamed' : 'whole'} agent run calls the tool and answers with its result`, async (t) => {
      const calls: string[] = []
      const upstream = fakes[fake]
      const before = upstream.requests.length
      upstream.enqueue({ kind: 'toolCall', name: 'get_weather', arguments: { city: 'Lyon' } }, { kind: 'text', content: 'It is sunny in Lyon.' })
      const agent = weatherAgent(model, calls)
      let finalOutput: unknown
      if (stream) {
        const result = await run(agent, 'Weather in Lyon?', { stream: true })
        let text = ''
        for await (const piece of result.toTextStream()) text += piece
        await result.completed
        t.equal(text, 'It is sunny in Lyon.', 'the text streamed')
        finalOutput = result.finalOutput
      } else {
        finalOutput = (await run(agent, 'Weather in Lyon?')).finalOutput
      }
      t.equal(finalOutput, 'It is sunny in Lyon.')
      t.same(calls, ['Lyon'], 'the tool ran once')
      const turns = upstream.requests.slice(before).filter((r) => r.method === 'POST' && Array.isArray(r.body?.messages))
      t.equal(turns.length, 2, 'two model turns')
      const second = turns[1]?.body.messages
      t.match(second, [
        { role: 'system', content: 'Answer with the weather.' },
        { role: 'user', content: 'Weather in Lyon?' },
        { role: 'assistant', tool_calls: [{ function: { name: 'get_weather' } }] },
        { role: 'tool', content: 'sunny in Lyon' }
      ])
      t.match(turns[0]?.body.tools, [{ type: 'function', function: { name: 'get_weather', parameters: { properties: { city: { type: 'string' } } } } }])
    })
  }
}
