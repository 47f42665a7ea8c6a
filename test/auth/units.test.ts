// The pure pieces of team keys: hashing, key format, globs, estimates, windows, hosts, credentials.
import t from 'tap'
import { createHash } from 'node:crypto'
import { presentedKey } from '../../src/auth/credentials.js'
import { generateKey } from '../../src/auth/generate-key.js'
import { hashKey, sameHash } from '../../src/auth/key-hash.js'
import { assertOpenModeAllowed, isLoopbackHost } from '../../src/auth/loopback.js'
import { modelMatcher } from '../../src/auth/model-access.js'
import { DEFAULT_COMPLETION_TOKENS, estimateTokens } from '../../src/limits/estimate.js'
import { MemoryCounters } from '../../src/limits/counter-store.js'
import { budgetPeriod, formatReset, minuteCheck, msUntilFits } from '../../src/limits/windows.js'

t.test('a key hash is sha256:<hex> of the key', async (t) => {
  t.equal(hashKey('secret-key'), `sha256:${createHash('sha256').update('secret-key').digest('hex')}`)
  t.ok(sameHash(hashKey('a-key'), hashKey('a-key')))
  t.notOk(sameHash(hashKey('a-key'), hashKey('b-key')))
  t.notOk(sameHash(hashKey('a-key'), 'sha256:short'), 'different lengths are unequal, not an exception')
})

t.test('a generated key is sk-qiao- and at least 32 url-safe characters, different every time', async (t) => {
  const keys = new Set(Array.from({ length: 50 }, generateKey))
  t.equal(keys.size, 50)
  for (const key of keys) t.match(key, /^sk-qiao-[A-Za-z0-9_-]{32,}$/)
})

t.test('model globs match the name the client sends, slashes included', async (t) => {
  const allows = modelMatcher(['deepseek/*', 'fast', 'modelscope/Qwen/*-32B'])
  t.ok(allows('deepseek/deepseek-chat'))
  t.ok(allows('fast'))
  t.ok(allows('modelscope/Qwen/Qwen3-32B'))
  t.notOk(allows('deepseek-chat'), 'a bare name is not deepseek/*')
  t.notOk(allows('zhipu/glm-4.6'))
  t.notOk(allows('faster'), 'exact names are exact')
  t.notOk(modelMatcher(['deep.eek/*'])('deepseek/x'), 'regex characters are literal')
  t.ok(modelMatcher(undefined)('anything'), 'no list means every model')
  t.notOk(modelMatcher([])('anything'), 'an empty list means none')
})

t.test('a chat estimate is prompt characters / 4 plus max_tokens or the default', async (t) => {
  const messages = [{ role: 'user', content: 'x'.repeat(40) }, { role: 'user', content: [{ type: 'text', text: 'y'.repeat(8) }] }]
  t.equal(estimateTokens({ messages }), 12 + DEFAULT_COMPLETION_TOKENS)
  t.equal(estimateTokens({ messages, max_tokens: 10 }), 22)
  t.equal(estimateTokens({ messages, max_completion_tokens: 5, max_tokens: 10 }), 17)
  t.equal(estimateTokens({ input: ['abcd', 'efgh'] }), 2)
  t.equal(estimateTokens({ input: [[1, 2, 3]] }), 3, 'token arrays count their tokens')
})

t.test('the sliding window counts the previous minute by the share of it still in the last 60 s', async (t) => {
  const check = minuteCheck('limits:rpm:a', 45_000 + 60_000 * 1000, 10, 1, 1)
  t.equal(check.key, 'limits:rpm:a:1000')
  t.equal(check.prevKey, 'limits:rpm:a:999')
  t.equal(check.prevWeight, 0.25)
  const store = new MemoryCounters()
  t.same((await store.check([check])).states, [{ current: 1, previous: 0 }])
})

t.test('the wait until a request fits follows the fading of the previous window', async (t) => {
  t.equal(msUntilFits({ current: 0, previous: 10 }, 10, 1, 30_000), 0, 'half of 10 still counts: 5 + 1 fits')
  t.equal(msUntilFits({ current: 5, previous: 10 }, 10, 1, 30_000), 6_000, 'fits once the previous weighs 0.4, at 36 s')
  t.equal(msUntilFits({ current: 10, previous: 0 }, 10, 1, 30_000), 30_000 + 6_000, 'next minute, once this one weighs 0.9')
})

t.test('reset times are written like OpenAI\'s', async (t) => {
  t.equal(formatReset(20), '20ms')
  t.equal(formatReset(1_500), '1.5s')
  t.equal(formatReset(360_000), '6m0s')
  t.equal(formatReset(119_999), '2m0s')
})

t.test('budget periods are UTC calendar days and months', async (t) => {
  const at = Date.parse('2025-02-14T23:30:00Z')
  t.same(budgetPeriod('b', 'day', at), { key: 'b:2025-02-14', endsAt: Date.parse('2025-02-15T00:00:00Z') })
  t.same(budgetPeriod('b', 'month', at), { key: 'b:2025-02-01', endsAt: Date.parse('2025-03-01T00:00:00Z') })
  t.same(budgetPeriod('b', 'month', Date.parse('2025-12-31T12:00:00Z')).endsAt, Date.parse('2026-01-01T00:00:00Z'))
})

t.test('only loopback hosts count as loopback', async (t) => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) t.ok(isLoopbackHost(host), host)
  for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com', '128.0.0.1']) t.notOk(isLoopbackHost(host), host)
  t.throws(() => { assertOpenModeAllowed({ host: '0.0.0.0', keys: 0, masterKey: false, allowAnonymous: false }) }, /without authentication/)
  t.doesNotThrow(() => { assertOpenModeAllowed({ host: '0.0.0.0', keys: 0, masterKey: false, allowAnonymous: true }) })
})

t.test('a key is read from Authorization: Bearer or x-api-key', async (t) => {
  t.equal(presentedKey({ authorization: 'Bearer sk-1' }), 'sk-1')
  t.equal(presentedKey({ authorization: 'bearer   sk-2 ' }), 'sk-2')
  t.equal(presentedKey({ 'x-api-key': 'sk-3' }), 'sk-3')
  t.equal(presentedKey({ authorization: 'Basic abc' }), undefined)
  t.equal(presentedKey({}), undefined)
})
