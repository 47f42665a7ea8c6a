// One Redis outage, noticed by every user of Redis at once (connection, key lookup, limits, usage, embedding
// cache), is one warning naming the cause and one info line when it is over.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakes, type Fakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { admin, ALICE, bearer, chat, createKey, gateway, MASTER } from '../auth/setup.js'

let fakes: Fakes
t.before(async () => { fakes = await startFakes(t) })

const levelOf = (line: string): number => (JSON.parse(line) as { level: number }).level
const messages = (lines: string[], level: number) => lines.filter((line) => levelOf(line) === level).map((line) => JSON.parse(line) as { msg: string, cause?: string, noticedBy?: string })

t.test('Redis going away is one warning with its cause, and its return one info line', async (t) => {
  const redis = await startRedis(t)
  const logLines: string[] = []
  const app = await gateway(t, fakes, {
    redisUrl: redis.url,
    keys: [{ id: 'alice', key: ALICE, rpm: 100 }],
    models: [{ name: 'fast', targets: ['deepseek/deepseek-chat'] }],
    // A slow answer while Redis is up is not the outage under test.
    cache: { embeddings: { timeout: '2s' } }
  }, logLines)
  const bob = await createKey(app, {})
  const embed = async (key: string) => await app.inject({ method: 'POST', url: '/v1/embeddings', headers: bearer(key), payload: { model: 'zhipu/embedding-3', input: ['one', 'two'] } })
  t.equal((await chat(app, ALICE)).statusCode, 200)
  t.equal((await embed(ALICE)).statusCode, 200)
  t.same(messages(logLines, 40), [], 'no warning while Redis is up')

  await redis.stop()
  // Every user of Redis meets the outage: limits and usage (alice), key lookup (bob, after his cached record
  // is older than a second), the embedding cache, and the connection retrying in the background.
  for (let i = 0; i < 6; i++) {
    t.equal((await chat(app, ALICE)).statusCode, 200, 'limits fail open')
    t.equal((await embed(ALICE)).statusCode, 200, 'the cache is bypassed')
    await chat(app, bob.key)
    await app.auth.usage.flush()
    await sleep(250)
  }
  const warnings = messages(logLines, 40)
  t.equal(warnings.length, 1, `one warning for the outage (got: ${warnings.map((w) => w.msg).join(' | ')})`)
  t.match(warnings[0], { msg: /^redis unavailable: /, cause: /ECONNREFUSED|connection lost/ })
  t.same(messages(logLines, 30).filter((m) => m.msg.includes('reachable again')), [], 'not back yet')

  await redis.start()
  let back = false
  for (let i = 0; i < 40 && !back; i++) {
    await sleep(100)
    back = (await admin(app, 'GET', '/admin/keys', undefined, MASTER)).statusCode === 200 && app.redis?.status === 'ready'
  }
  t.ok(back, 'the connection is back')
  t.equal((await chat(app, ALICE)).statusCode, 200)
  t.equal((await embed(ALICE)).statusCode, 200)
  await app.auth.usage.flush()
  // Declared over once six seconds have passed without a failure.
  const recovered = () => messages(logLines, 30).filter((m) => m.msg.includes('reachable again')).map((m) => m.msg)
  for (let i = 0; i < 100 && recovered().length === 0; i++) await sleep(100)
  t.same(recovered(), ['redis reachable again'], 'one info line when it is over')
  t.equal(messages(logLines, 40).length, 1, 'still one warning')
})
