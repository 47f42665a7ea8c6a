import t from 'tap'
import { build, KEYS, listen, openai, providersFor, startFakes } from '../helper.js'

t.test('provider API keys appear in no response and no log line, whatever happens upstream', async (t) => {
  const fakes = await startFakes(t)
  const logLines: string[] = []
  const app = await build(t, { providers: providersFor(fakes) }, { logLines })
  const client = openai(await listen(app))
  const bodies: string[] = []
  const ask = async (model: string, stream = false) => {
    try {
      if (stream) {
        for await (const chunk of await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true })) bodies.push(JSON.stringify(chunk))
      } else {
        bodies.push(JSON.stringify(await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })))
      }
    } catch (err) {
      bodies.push(String(err), JSON.stringify((err as { error?: unknown }).error ?? null))
    }
  }
  // The fake DeepSeek's own 401 body echoes part of the key, as the real one does.
  fakes.deepseek.enqueue({ kind: 'error', status: 401, body: { error: { message: `Authentication Fails, Your api key: ${KEYS.deepseek} is invalid`, type: 'authentication_error', param: null, code: 'invalid_request_error' } } })
  await ask('deepseek/deepseek-chat')
  fakes.zhipu.enqueue({ kind: 'error', status: 500, body: { error: { code: '500', message: `internal error for ${KEYS.zhipu}` } } })
  await ask('zhipu/glm-4.6')
  fakes.modelscope.enqueue({ kind: 'destroy' })
  await ask('modelscope/Qwen/Qwen3-32B')
  await ask('deepseek/deepseek-chat', true)
  await ask('zhipu/glm-4.6', true)

  t.ok(logLines.length > 0, 'logs were captured')
  t.ok(bodies.some((body) => body.includes('upstream_auth_error')), 'the 401 was reported as a gateway misconfiguration')
  for (const key of Object.values(KEYS)) {
    t.notOk(logLines.some((line) => line.includes(key)), `no log line contains the ${key} key`)
    t.notOk(bodies.some((body) => body.includes(key)), `no answer contains the ${key} key`)
  }
})

t.test('type openai forwards an OpenAI-shaped backend as the client sent it', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: [{ id: 'vllm', type: 'openai', baseUrl: fakes.deepseek.baseUrl, apiKey: KEYS.deepseek, models: ['deepseek-chat'] }]
  })
  const client = openai(await listen(app))
  const completion = await client.chat.completions.create({
    model: 'vllm/deepseek-chat',
    messages: [{ role: 'developer', content: 'be brief' }, { role: 'user', content: 'hi' }],
    user: 'alice'
  })
  t.equal(completion.choices[0]?.message.content, 'Hello from deepseek')
  const sent = fakes.deepseek.requests.at(-1)
  t.equal(sent?.headers['authorization'], `Bearer ${KEYS.deepseek}`)
  t.equal(sent?.body.messages[0].role, 'developer', 'no DeepSeek-specific rewriting for type openai')
  t.equal(sent?.body.user, 'alice')
})
