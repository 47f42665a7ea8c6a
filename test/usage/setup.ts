// Shared setup of the usage report tests: a gateway with no backend (usage is recorded straight into the
// recorder), fixed hours two UTC days back, report calls and a CSV reader.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { build, type Teardown } from '../helper.js'
import { MASTER, bearer, uniquePrefix } from '../auth/setup.js'
import type { UsageEntry } from '../../src/usage/recorder.js'

export type Store = 'memory' | 'redis'
export const STORES = ['memory', 'redis'] as const satisfies Store[]

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
/** Midnight UTC two days ago: far enough back to cover two whole days, well inside the retention. */
export const DAY0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS
export const hour = (h: number) => new Date(DAY0 + h * HOUR_MS).toISOString()
export const day = (d: number) => new Date(DAY0 + d * DAY_MS).toISOString().slice(0, 10)
const RANGE = `from=${hour(0)}&to=${new Date(DAY0 + 2 * DAY_MS - 1).toISOString()}`

export async function usageGateway (t: Teardown, options: { redisUrl?: string | undefined, prefix?: string, currency?: string } = {}): Promise<FastifyInstance> {
  return await build(t, {
    providers: [],
    auth: { masterKey: MASTER },
    ...(options.currency !== undefined ? { pricing: { currency: options.currency, models: {} } } : {}),
    ...(options.redisUrl !== undefined ? { redis: { url: options.redisUrl, keyPrefix: options.prefix ?? uniquePrefix() } } : {})
  })
}

/** One request's usage `h` hours after DAY0 (plus a minute): alice in team red on `m` unless told otherwise. */
export function entry (h: number, over: Partial<UsageEntry> = {}): UsageEntry {
  return {
    key: 'alice',
    team: 'red',
    model: 'm',
    at: DAY0 + h * HOUR_MS + 60_000,
    prompt_tokens: 0,
    completion_tokens: 0,
    total_tokens: 0,
    failed: false,
    cached_inputs: 0,
    cached_prompt_tokens: 0,
    cost: 0,
    saved_cost: 0,
    ...over
  }
}

export async function report (app: FastifyInstance, query = ''): Promise<LightMyRequestResponse> {
  return await app.inject({ method: 'GET', url: `/admin/usage?${RANGE}&${query}`, headers: bearer(MASTER) })
}

export interface Report {
  currency: string
  totals: Record<string, number | string>
  series: Array<Record<string, number | string>>
}

export async function reportJson (app: FastifyInstance, query = ''): Promise<Report> {
  const res = await report(app, query)
  if (res.statusCode !== 200) throw new Error(`GET /admin/usage answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

/** RFC 4180 read back by hand: quoted cells may hold commas, doubled quotes and line breaks. */
export function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(cell); cell = '' } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i++
    } else cell += c
  }
  if (cell !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF')
  return rows
}
