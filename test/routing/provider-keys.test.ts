import t from 'tap'
import { build, KEYS, listen, openai, startFakes } from '../helper.js'

t.test('a provider key the backend rejects leaves the rotation and the request goes again with the next key', async (t) => {
  const fakes = await startFakes(t)
  const logLines: string[] = []
  const revoked = 'sk-revoked-0000000000wxyz'
  const app = await build(t, {
    providers: [{ id: 'deepseek', type: 'deepseek', baseUrl: fakes.deepseek.baseUrl, apiKeys: [revoked, KEYS.deepseek], models: ['deepseek-chat'], retries: 0 }]
  }, { logLines })
  const client = openai(await listen(app))
  for (let i = 0; i < 4; i++) {
    const completion = await client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: `hi ${i}` }] })
    t.equal(completion.choices[0]?.message.content, 'Hello from deepseek', `request ${i} succeeds`)
  }
  const keysUsed = fakes.deepseek.requests.map((r) => r.headers['authorization'])
  t.equal(keysUsed.filter((h) => h === `Bearer ${revoked}`).length, 1, 'the rejected key was tried once, then never again')
  t.equal(keysUsed.filter((h) => h === `Bearer ${KEYS.deepseek}`).length, 4)
  const notice = logLines.filter((line) => line.includes('leaves the rotation'))
  t.equal(notice.length, 1, 'one error log names the rejected key')
  t.match(notice[0], /"provider":"deepseek"/)
  t.match(notice[0], /wxyz/, 'by its last four characters')
  t.notOk(logLines.some((line) => line.includes(revoked)), 'never by the whole key')
})

t.test('keys are taken in turn: the second request goes out with the second key', async (t) => {
  const fakes = await startFakes(t)
  const app = await build(t, {
    providers: [{ id: 'zhipu', type: 'zhipu', baseUrl: fakes.zhipu.baseUrl, apiKeys: [KEYS.zhipu, KEYS.zhipu.replace('test', 'test2')], models: ['glm-4.6'], retries: 0 }]
  })
  for (let i = 0; i < 4; i++) {
    await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: { model: 'zhipu/glm-4.6', messages: [{ role: 'user', content: 'hi' }] } })
  }
  const used = fakes.zhipu.requests.map((r) => r.headers['authorization'])
  t.equal(used[0], `Bearer ${KEYS.zhipu}`)
  t.equal(used[1], `Bearer ${KEYS.zhipu.replace('test', 'test2')}`, 'the second key (which this fake rejects) was next')
})
