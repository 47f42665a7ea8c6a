// Chat and embeddings sent back to back while `outage` runs (a node killed, a failover awaited), until the
// gateway has logged the outage's end; what every request answered and what the log said.
import type { FastifyInstance } from 'fastify'
import { setTimeout as sleep } from 'node:timers/promises'
import { bearer, chat, createKey } from '../auth/setup.js'

export const embed = async (app: FastifyInstance, key: string, input: string[]) => await app.inject({
  method: 'POST', url: '/v1/embeddings', headers: bearer(key), payload: { model: 'zhipu/embedding-3', input }
})

export interface OutageRun { statuses: number[], warnings: number, recoveries: number, key: string, keyId: string, beforeOutage: number }

export async function loadThroughOutage (app: FastifyInstance, logLines: string[], outage: () => Promise<void>): Promise<OutageRun> {
  // A key with limits and a budget, so that every request passes the limiter; seen once before the outage.
  const user = await createKey(app, { rpm: 100_000, budget: { tokens: 10_000_000, period: 'month' } })
  const beforeOutage = (await chat(app, user.key)).statusCode
  const statuses: number[] = []
  const stop = new AbortController()
  const load = (async () => {
    for (let i = 0; !stop.signal.aborted; i++) {
      const [a, b] = await Promise.all([chat(app, user.key), embed(app, user.key, [`load ${user.id} ${i % 20}`, `load ${user.id} ${i}`])])
      statuses.push(a.statusCode, b.statusCode)
    }
  })()
  await sleep(500)
  await outage()
  const count = (text: string) => logLines.filter((line) => line.includes(text)).length
  for (let i = 0; i < 300 && (count('redis unavailable') === 0 || count('redis reachable again') === 0); i++) await sleep(100)
  await sleep(1_000)
  stop.abort()
  await load
  return { statuses, warnings: count('redis unavailable'), recoveries: count('redis reachable again'), key: user.key, keyId: user.id, beforeOutage }
}
