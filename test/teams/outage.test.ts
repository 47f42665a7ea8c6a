// Team lookups fail open when Redis is down: a team seen before keeps applying; the request is served.
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFakes } from '../helper.js'
import { startRedis } from '../fixtures/redis-server.js'
import { ALICE, BOB, chat, gateway } from '../auth/setup.js'
import { createTeam } from './setup.js'

const fakes = await startFakes(t)
const redis = await startRedis(t)
const keys = [{ id: 'alice', key: ALICE, team: 'blue' }, { id: 'bob', key: BOB, team: 'green' }]

t.test('during an outage a team seen before keeps its list; one never seen is only a label', async (t) => {
  const logLines: string[] = []
  const app = await gateway(t, fakes, { keys, redisUrl: redis.url }, logLines)
  await createTeam(app, { id: 'blue', models: ['deepseek/*'] })
  await createTeam(app, { id: 'green', models: ['deepseek/*'] })
  t.equal((await chat(app, ALICE, { model: 'zhipu/glm-4.6' })).statusCode, 403, 'seen before the outage')
  await redis.stop()
  await sleep(1_100)
  t.equal((await chat(app, ALICE, { model: 'zhipu/glm-4.6' })).statusCode, 403, 'still applies')
  t.equal((await chat(app, ALICE)).statusCode, 200, 'and the request is served')
  t.equal((await chat(app, BOB, { model: 'zhipu/glm-4.6' })).statusCode, 200, 'never seen: served without the team')
  await redis.start()
  t.equal(logLines.filter((line) => line.includes('redis unavailable')).length, 1, 'one warning for the outage, whoever noticed it')
})
