// The limit counters in Redis, shared by every replica. One Lua script per owner (the key, its team) keeps
// the read-compare-charge of that owner's limits atomic; an owner's counters share a hash tag, so each script
// touches one Redis Cluster slot. The owners' scripts run side by side (one round trip); when one refuses,
// the charges of the others are taken back, so a refused request is charged by none.
import type { RedisClient } from '../redis/connect.js'
import { hashTag } from '../redis/slots.js'
import type { CheckResult, CounterStore, WindowCheck } from './counter-store.js'
import type { WindowState } from './windows.js'

// KEYS: per check, its current and previous counter. ARGV: per check, limit, need, cost, prevWeight, ttlMs.
const CHECK = `
local n = #KEYS / 2
local out = { 1 }
for i = 1, n do
  local a = (i - 1) * 5
  local limit, need, weight = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 4])
  local current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local previous = 0
  if weight > 0 then previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0') end
  if previous * weight + current + need > limit then out[1] = 0 end
  out[2 * i] = current
  out[2 * i + 1] = previous
end
if out[1] == 1 then
  for i = 1, n do
    local a = (i - 1) * 5
    out[2 * i] = redis.call('INCRBY', KEYS[2 * i - 1], ARGV[a + 3])
    redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[a + 5])
  end
end
return out`

const ADJUST = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return false`

interface LimitCommands {
  qiaoLimitCheck: (numKeys: number, ...args: Array<string | number>) => Promise<number[]>
  qiaoLimitAdjust: (key: string, delta: number) => Promise<number | null>
}

export class RedisCounters implements CounterStore {
  private readonly commands: LimitCommands

  constructor (private readonly redis: RedisClient) {
    redis.defineCommand('qiaoLimitCheck', { lua: CHECK })
    redis.defineCommand('qiaoLimitAdjust', { numberOfKeys: 1, lua: ADJUST })
    this.commands = redis as unknown as LimitCommands
  }

  async check (checks: WindowCheck[]): Promise<CheckResult> {
    const groups = new Map<string, number[]>()
    checks.forEach((check, i) => {
      const tag = hashTag(check.key)
      const group = groups.get(tag)
      if (group === undefined) groups.set(tag, [i])
      else group.push(i)
    })
    const owners = [...groups.values()]
    const results = await Promise.all(owners.map(async (indices) => await this.checkOne(indices.map((i) => checks[i] as WindowCheck))))
    const allowed = results.every((r) => r.allowed)
    const states = new Array<WindowState>(checks.length)
    await Promise.all(owners.map(async (indices, g) => {
      const result = results[g] as CheckResult
      const undo = !allowed && result.allowed
      indices.forEach((index, j) => {
        const state = result.states[j] as WindowState
        // Reported as before the charge, like a refused owner's.
        states[index] = undo ? { current: state.current - (checks[index] as WindowCheck).cost, previous: state.previous } : state
      })
      if (undo) await Promise.all(indices.map(async (index) => { const c = checks[index] as WindowCheck; await this.adjust(c.key, -c.cost) }))
    }))
    return { allowed, states }
  }

  private async checkOne (checks: WindowCheck[]): Promise<CheckResult> {
    const keys = checks.flatMap((c) => [c.key, c.prevKey])
    const args = checks.flatMap((c) => [c.limit, c.need, c.cost, c.prevWeight, Math.ceil(c.ttlMs)])
    const reply = await this.commands.qiaoLimitCheck(keys.length, ...keys, ...args)
    return {
      allowed: reply[0] === 1,
      states: checks.map((_c, i) => ({ current: Number(reply[2 * i + 1]), previous: Number(reply[2 * i + 2]) }))
    }
  }

  async adjust (key: string, delta: number): Promise<number | undefined> {
    const value = await this.commands.qiaoLimitAdjust(key, Math.round(delta))
    return value === null ? undefined : Number(value)
  }

  async once (key: string, ttlMs: number): Promise<boolean> {
    return await this.redis.set(key, '1', 'PX', Math.ceil(ttlMs), 'NX') === 'OK'
  }
}
