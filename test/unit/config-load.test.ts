// loadConfig: defaults ← YAML file (or providers from the environment) ← environment overrides → validate → freeze.
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Type } from '@sinclair/typebox'
import { ConfigError, loadConfig, mergeWithDefaults, validateConfig, type LoadOptions } from '../../src/config/load.js'
import { explainErrors } from '../../src/config/explain-errors.js'
import { durationMs } from '../../src/config/duration.js'
import { PROVIDER_CATALOG } from '../../src/providers/catalog.js'

/** A fresh temp directory holding `files`, removed after the test. */
function dir (t: Test, files: Record<string, string> = {}): string {
  const path = mkdtempSync(join(tmpdir(), 'qiao-config-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text)
  t.teardown(() => { rmSync(path, { recursive: true, force: true }) })
  return path
}

/** The problems a load or validation reports; fails the test if it succeeds. */
function problemsOf (t: Test, fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    t.ok(err instanceof ConfigError, 'a ConfigError')
    return (err as ConfigError).problems
  }
  t.fail('expected a ConfigError')
  return []
}

const load = (options: LoadOptions) => loadConfig(options)
const validate = (input: Record<string, unknown>) => validateConfig(mergeWithDefaults(input))
const OLLAMA_ONLY = 'providers:\n  - { id: local, type: ollama }\n'

t.test('without a file or keys only Ollama is enabled, at its default address', async (t) => {
  const { config, source } = load({ env: {}, cwd: dir(t) })
  t.equal(source, 'environment')
  t.same(config.providers, [{ id: 'ollama', type: 'ollama', baseUrl: 'http://127.0.0.1:11434' }])
  t.same(config.models, [])
  t.match(config.server, { host: '127.0.0.1', port: 8080, bodyLimit: 10 * 1024 * 1024 })
  t.equal(config.log.level, 'info')
  t.equal(config.redis.url, undefined)
})

t.test('the hosted providers are enabled by their API key variables with default models', async (t) => {
  const { config } = load({ env: { DEEPSEEK_API_KEY: 'sk-d', ZHIPU_API_KEY: 'z.k', MODELSCOPE_API_KEY: 'ms-k' }, cwd: dir(t) })
  t.same(config.providers.map((p) => p.id), ['deepseek', 'zhipu', 'modelscope', 'ollama'])
  t.match(config.providers[0], { id: 'deepseek', type: 'deepseek', apiKey: 'sk-d', models: PROVIDER_CATALOG.deepseek.models })
  t.match(config.providers[1], { id: 'zhipu', type: 'zhipu', apiKey: 'z.k', models: PROVIDER_CATALOG.zhipu.models })
  t.match(config.providers[2], { id: 'modelscope', type: 'modelscope', apiKey: 'ms-k', models: PROVIDER_CATALOG.modelscope.models })
  t.same(config.providers[2]?.models, ['Qwen/Qwen3-32B', 'Qwen/Qwen2.5-7B-Instruct', 'deepseek-ai/DeepSeek-V3.1'])
})

t.test('one key enables only its provider', async (t) => {
  const { config } = load({ env: { ZHIPU_API_KEY: 'z.k' }, cwd: dir(t) })
  t.same(config.providers.map((p) => p.id), ['zhipu', 'ollama'])
})

t.test('an empty key variable does not enable its provider', async (t) => {
  const { config } = load({ env: { DEEPSEEK_API_KEY: '' }, cwd: dir(t) })
  t.same(config.providers.map((p) => p.id), ['ollama'])
})

t.test('OLLAMA_BASE_URL moves Ollama', async (t) => {
  const { config } = load({ env: { OLLAMA_BASE_URL: 'http://gpu-box:11434' }, cwd: dir(t) })
  t.same(config.providers, [{ id: 'ollama', type: 'ollama', baseUrl: 'http://gpu-box:11434' }])
})

t.test('HOST, PORT, REDIS_URL and LOG_LEVEL set their config fields', async (t) => {
  const { config } = load({ env: { HOST: '0.0.0.0', PORT: '9090', REDIS_URL: 'redis://cache:6379/2', LOG_LEVEL: 'debug' }, cwd: dir(t) })
  t.equal(config.server.host, '0.0.0.0')
  t.equal(config.server.port, 9090, 'a number, not a string')
  t.equal(config.redis.url, 'redis://cache:6379/2')
  t.equal(config.log.level, 'debug')
})

t.test('REDIS_CLUSTER (a comma list) and REDIS_SENTINEL_NAME/_NODES set the Cluster and Sentinel fields', async (t) => {
  const cluster = load({ env: { REDIS_CLUSTER: 'redis://a:7000, redis://b:7001,redis://c:7002' }, cwd: dir(t) }).config
  t.same(cluster.redis.cluster, ['redis://a:7000', 'redis://b:7001', 'redis://c:7002'])
  const sentinel = load({ env: { REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_NODES: 'redis://s1:26379,redis://s2:26379' }, cwd: dir(t) }).config
  t.same(sentinel.redis.sentinel, { name: 'mymaster', nodes: ['redis://s1:26379', 'redis://s2:26379'] })
  const half = problemsOf(t, () => load({ env: { REDIS_SENTINEL_NODES: 'redis://s1:26379' }, cwd: dir(t) }))
  t.same(half, ['redis.sentinel.name: missing; expected a non-empty string'], 'nodes without a name is reported')
  const bad = problemsOf(t, () => load({ env: { REDIS_CLUSTER: 'http://a:7000' }, cwd: dir(t) }))
  t.match(bad, [/^redis\.cluster\[0\] \(from REDIS_CLUSTER\): .*redis:\/\/ or rediss:\/\//])
})

t.test('Redis is one server, a Cluster or a Sentinel setup, not two at once; a key prefix has no braces', async (t) => {
  const both = problemsOf(t, () => load({ env: { REDIS_URL: 'redis://one:6379', REDIS_CLUSTER: 'redis://a:7000' }, cwd: dir(t) }))
  t.same(both, ['redis: give one of url, cluster or sentinel, not url and cluster'])
  const braces = problemsOf(t, () => load({ cwd: dir(t, { 'qiao.yaml': 'redis:\n  keyPrefix: "qiao:{x}:"\n' }) }))
  t.match(braces, [/^redis\.keyPrefix: .*without \{ or \}/])
})

t.test('a PORT that is not a whole number is reported by name', async (t) => {
  const problems = problemsOf(t, () => load({ env: { PORT: 'eighty' }, cwd: dir(t) }))
  t.same(problems, ['server.port (from PORT): expected an integer 0-65535, got "eighty"'])
})

t.test('an unknown LOG_LEVEL is reported against log.level', async (t) => {
  const problems = problemsOf(t, () => load({ env: { LOG_LEVEL: 'loud' }, cwd: dir(t) }))
  t.same(problems, ['log.level (from LOG_LEVEL): "loud" is not one of fatal, error, warn, info, debug, trace, silent'])
})

t.test('the process environment is not read unless passed', async (t) => {
  process.env['DEEPSEEK_API_KEY'] = 'sk-from-process'
  t.teardown(() => { delete process.env['DEEPSEEK_API_KEY'] })
  const { config } = load({ env: {}, cwd: dir(t) })
  t.same(config.providers.map((p) => p.id), ['ollama'])
})

t.test('--config PATH reads that file, relative to cwd', async (t) => {
  const cwd = dir(t, { 'custom.yaml': OLLAMA_ONLY })
  const { config, source } = load({ argv: ['--config', 'custom.yaml'], env: {}, cwd })
  t.equal(source, join(cwd, 'custom.yaml'))
  t.same(config.providers, [{ id: 'local', type: 'ollama' }])
})

t.test('--config=PATH reads that file', async (t) => {
  const cwd = dir(t, { 'custom.yaml': OLLAMA_ONLY })
  const { config, source } = load({ argv: ['--port', '1', '--config=custom.yaml'], env: {}, cwd })
  t.equal(source, join(cwd, 'custom.yaml'))
  t.same(config.providers.map((p) => p.id), ['local'])
})

t.test('QIAO_CONFIG names the file when there is no --config', async (t) => {
  const cwd = dir(t, { 'from-env.yaml': OLLAMA_ONLY, 'qiao.yaml': 'providers: []\n' })
  const { config, source } = load({ env: { QIAO_CONFIG: 'from-env.yaml' }, cwd })
  t.equal(source, join(cwd, 'from-env.yaml'))
  t.same(config.providers.map((p) => p.id), ['local'])
})

t.test('--config wins over QIAO_CONFIG', async (t) => {
  const cwd = dir(t, { 'flag.yaml': OLLAMA_ONLY, 'from-env.yaml': 'providers: []\n' })
  const { source } = load({ argv: ['--config', 'flag.yaml'], env: { QIAO_CONFIG: 'from-env.yaml' }, cwd })
  t.equal(source, join(cwd, 'flag.yaml'))
})

t.test('./qiao.yaml in cwd is read when nothing names a file', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': OLLAMA_ONLY })
  const { config, source } = load({ env: {}, cwd })
  t.equal(source, join(cwd, 'qiao.yaml'))
  t.same(config.providers.map((p) => p.id), ['local'])
})

t.test('with a file, API key variables do not add providers', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': OLLAMA_ONLY })
  const { config } = load({ env: { DEEPSEEK_API_KEY: 'sk-d' }, cwd })
  t.same(config.providers.map((p) => p.id), ['local'])
})

t.test('a file that does not exist is a ConfigError naming it', async (t) => {
  const cwd = dir(t)
  t.throws(() => load({ argv: ['--config', 'absent.yaml'], env: {}, cwd }), { name: 'ConfigError', message: /absent\.yaml/ })
})

t.test('--config without a path is a ConfigError', async (t) => {
  t.match(problemsOf(t, () => load({ argv: ['--config'], env: {}, cwd: dir(t) })), [/--config/])
})

t.test('a file that is not YAML is a ConfigError', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'server: [unclosed\n' })
  t.match(problemsOf(t, () => load({ env: {}, cwd })), [/not valid YAML/])
})

t.test('an empty file gives the defaults', async (t) => {
  const { config } = load({ env: {}, cwd: dir(t, { 'qiao.yaml': '' }) })
  t.same(config.providers, [])
  t.equal(config.server.port, 8080)
})

t.test('${VAR} is replaced by the variable', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: ds, type: deepseek, apiKey: "${MY_KEY}" }\n' })
  const { config } = load({ env: { MY_KEY: 'sk-secret' }, cwd })
  t.equal(config.providers[0]?.apiKey, 'sk-secret')
})

t.test('${VAR} may sit inside a longer string', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: o, type: ollama, baseUrl: "http://${OLLAMA_HOST}:11434" }\n' })
  const { config } = load({ env: { OLLAMA_HOST: 'gpu-box' }, cwd })
  t.equal(config.providers[0]?.baseUrl, 'http://gpu-box:11434')
})

t.test('${VAR:-default} uses the default when the variable is unset or empty', async (t) => {
  const yaml = 'server:\n  host: ${BIND:-0.0.0.0}\nredis:\n  keyPrefix: ${PREFIX:-}\n'
  const unset = load({ env: {}, cwd: dir(t, { 'qiao.yaml': yaml }) }).config
  t.equal(unset.server.host, '0.0.0.0')
  t.equal(unset.redis.keyPrefix, '')
  const empty = load({ env: { BIND: '' }, cwd: dir(t, { 'qiao.yaml': yaml }) }).config
  t.equal(empty.server.host, '0.0.0.0')
  const set = load({ env: { BIND: '10.0.0.1', PREFIX: 'team-a:' }, cwd: dir(t, { 'qiao.yaml': yaml }) }).config
  t.equal(set.server.host, '10.0.0.1')
  t.equal(set.redis.keyPrefix, 'team-a:')
})

t.test('a variable value cannot change the document structure', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: ds, type: deepseek, apiKey: "${MY_KEY}" }\n' })
  const { config } = load({ env: { MY_KEY: 'x\nmodels: [evil]\n- { id: b }' }, cwd })
  t.equal(config.providers.length, 1)
  t.equal(config.providers[0]?.apiKey, 'x\nmodels: [evil]\n- { id: b }')
  t.equal(config.providers[0]?.models, undefined)
})

t.test('a missing variable is reported with its path', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: o, type: ollama }\n  - { id: ds, type: deepseek, apiKey: "${NOT_SET_KEY}" }\n' })
  const problems = problemsOf(t, () => load({ env: {}, cwd }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^providers\[1\]\.apiKey: .*NOT_SET_KEY/)
})

t.test('every missing variable is reported, not only the first', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'server:\n  host: ${NO_HOST}\nredis:\n  url: ${NO_REDIS}\n' })
  const problems = problemsOf(t, () => load({ env: {}, cwd }))
  t.match(problems, [/^server\.host: .*NO_HOST/, /^redis\.url: .*NO_REDIS/])
})

t.test('the ConfigError message names the file and every problem', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'server:\n  prot: 1\n' })
  t.throws(() => load({ env: {}, cwd }), { message: new RegExp(`${join(cwd, 'qiao.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^]*server\\.prot`) })
})

t.test('environment overrides are applied on top of the file', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'server:\n  host: 10.0.0.1\n  port: 9000\nlog:\n  level: warn\n' })
  const { config } = load({ env: { PORT: '7000', LOG_LEVEL: 'error', REDIS_URL: 'redis://r:6379' }, cwd })
  t.equal(config.server.port, 7000)
  t.equal(config.server.host, '10.0.0.1', 'fields without an override keep the file value')
  t.equal(config.log.level, 'error')
  t.equal(config.redis.url, 'redis://r:6379')
  t.equal(config.redis.keyPrefix, 'qiao:', 'defaults fill the rest of the section')
})

t.test('an unknown key is rejected with its path', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'server:\n  prot: 8080\n' })
  const problems = problemsOf(t, () => load({ env: {}, cwd }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^server\.prot: .*unknown key/)
})

t.test('an unknown key inside a provider is rejected with its path', async (t) => {
  t.match(problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama', apikey: 'x' }] })), [/^providers\[0\]\.apikey: /])
})

t.test('a wrong type is one line naming the field', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'server:\n  port: eighty\n' })
  const problems = problemsOf(t, () => load({ env: {}, cwd }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^server\.port: .*integer.*eighty/)
})

t.test('a wrong type in a list is one line naming the field', async (t) => {
  const problems = problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama', models: 'llama3.2' }] }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^providers\[0\]\.models: /)
})

t.test('an unknown provider type is one line naming the field', async (t) => {
  const problems = problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'llama' }] }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^providers\[0\]\.type: .*llama/)
})

t.test('several problems are reported together', async (t) => {
  const problems = problemsOf(t, () => validate({ server: { prot: 1, port: 'x' }, log: { level: 'loud' } }))
  t.match(problems.join('\n'), /server\.prot/)
  t.match(problems.join('\n'), /server\.port/)
  t.match(problems.join('\n'), /log\.level/)
})

t.test('duplicate provider ids are rejected', async (t) => {
  const problems = problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama' }, { id: 'o', type: 'ollama', baseUrl: 'http://other:11434' }] }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^providers\[1\]\.id: .*"o"/)
})

t.test('an alias target naming an unknown provider is rejected', async (t) => {
  const problems = problemsOf(t, () => validate({
    providers: [{ id: 'o', type: 'ollama' }],
    models: [{ name: 'chat', targets: ['o/llama3.2', 'nobody/x'] }]
  }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^models\[0\]\.targets\[1\]: .*"nobody"/)
})

t.test('an alias target without a provider prefix is rejected', async (t) => {
  t.match(problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama' }], models: [{ name: 'chat', targets: ['llama3.2'] }] })), [/^models\[0\]\.targets\[0\]: /])
})

t.test('an alias defined twice is rejected', async (t) => {
  const problems = problemsOf(t, () => validate({
    providers: [{ id: 'o', type: 'ollama' }],
    models: [{ name: 'chat', targets: ['o/a'] }, { name: 'chat', targets: ['o/b'] }]
  }))
  t.match(problems, [/^models\[1\]\.name: /])
})

for (const type of ['deepseek', 'zhipu', 'modelscope'] as const) {
  t.test(`a ${type} provider without apiKey is rejected`, async (t) => {
    const problems = problemsOf(t, () => validate({ providers: [{ id: 'hosted', type }] }))
    t.same(problems, [`providers[0].apiKey: required for type ${type}`])
  })
}

t.test('a hosted provider with an empty apiKey from an empty variable is rejected', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: ds, type: deepseek, apiKey: "${DS_KEY:-}" }\n' })
  t.match(problemsOf(t, () => load({ env: {}, cwd })), [/^providers\[0\]\.apiKey: required/])
})

t.test('an Ollama provider needs no apiKey', async (t) => {
  t.equal(validate({ providers: [{ id: 'o', type: 'ollama' }] }).providers[0]?.apiKey, undefined)
})

t.test('a duration with a unit is valid', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: o, type: ollama, keepAlive: 5m }\n' })
  const keepAlive = load({ env: {}, cwd }).config.providers[0]?.keepAlive
  t.equal(keepAlive, '5m')
  t.equal(durationMs(keepAlive ?? 0), 300_000)
})

t.test('a duration in milliseconds is valid', async (t) => {
  t.equal(validate({ providers: [{ id: 'o', type: 'ollama', keepAlive: 1500 }] }).providers[0]?.keepAlive, 1500)
})

t.test('a duration without a known unit is rejected naming the field', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: o, type: ollama, keepAlive: soon }\n' })
  const problems = problemsOf(t, () => load({ env: {}, cwd }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^providers\[0\]\.keepAlive: .*soon/)
})

t.test('a negative duration is rejected', async (t) => {
  t.match(problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama', keepAlive: -1 }] })), [/^providers\[0\]\.keepAlive: /])
})

t.test('a baseUrl without http(s) is rejected', async (t) => {
  t.match(problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama', baseUrl: 'localhost:11434' }] })), [/^providers\[0\]\.baseUrl: /])
})

t.test('the loaded config is deeply frozen', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: o, type: ollama, models: [a] }\nmodels:\n  - { name: chat, targets: [o/a] }\n' })
  const { config } = load({ env: {}, cwd })
  t.ok(Object.isFrozen(config))
  t.ok(Object.isFrozen(config.server))
  t.ok(Object.isFrozen(config.providers))
  t.ok(Object.isFrozen(config.providers[0]))
  t.ok(Object.isFrozen(config.providers[0]?.models))
  t.ok(Object.isFrozen(config.models[0]?.targets))
  t.throws(() => { (config.server as { port: number }).port = 1 }, TypeError)
  t.throws(() => { (config.providers as unknown[]).push({}) }, TypeError)
})

t.test('validateConfig freezes a copy and leaves its input alone', async (t) => {
  const input = { providers: [{ id: 'o', type: 'ollama' as const }] }
  const config = validateConfig(mergeWithDefaults(input))
  t.ok(Object.isFrozen(config.providers[0]))
  t.notOk(Object.isFrozen(input.providers[0]))
  input.providers[0]!.id = 'changed'
  t.equal(config.providers[0]?.id, 'o')
})

t.test('validateConfig reports the source it is given', async (t) => {
  t.throws(() => validateConfig(mergeWithDefaults({ server: { port: -1 } }), 'tests'), { source: 'tests', message: /\(tests\)/ })
})

// The lines an invalid config prints: the field, what it allows, and what was given.

t.test('an unknown provider type lists the allowed types and the close one', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'providers:\n  - { id: ds, type: deepsek, apiKey: sk-x }\n' })
  t.same(problemsOf(t, () => load({ env: {}, cwd })), [
    'providers[0].type: "deepsek" is not one of deepseek, zhipu, modelscope, ollama, openai (did you mean "deepseek"?)'
  ])
})

t.test('a port that is not a number says the range expected', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'server:\n  port: 80a\n' })
  t.same(problemsOf(t, () => load({ env: {}, cwd })), ['server.port: expected an integer 0-65535, got "80a"'])
})

const ENUMS: Array<[string, Record<string, unknown>, string]> = [
  ['alias strategy', { providers: [{ id: 'o', type: 'ollama' }], models: [{ name: 'm', strategy: 'fallbak', targets: ['o/a'] }] },
    'models[0].strategy: "fallbak" is not one of fallback, weighted (did you mean "fallback"?)'],
  ['cache scope', { cache: { embeddings: { scope: 'user' } } }, 'cache.embeddings.scope: "user" is not one of team, key, global'],
  ['budget period', { keys: [{ id: 'k', key: 'k'.repeat(8), budget: { tokens: 1, period: 'week' } }] },
    'keys[0].budget.period: "week" is not one of day, month'],
  ['log level', { log: { level: 'wanr' } }, 'log.level: "wanr" is not one of fatal, error, warn, info, debug, trace, silent (did you mean "warn"?)']
]
for (const [field, input, line] of ENUMS) {
  t.test(`an invalid ${field} is one line listing the allowed values`, async (t) => {
    t.same(problemsOf(t, () => validate(input)), [line])
  })
}

t.test('a union of a number and a word says both', async (t) => {
  t.same(problemsOf(t, () => validate({ server: { workers: 0 } })), ['server.workers: expected an integer ≥ 1 or "auto", got 0'])
})

t.test('a duration that is neither says what a duration is', async (t) => {
  t.same(problemsOf(t, () => validate({ server: { shutdownTimeout: 'soon' } })), [
    'server.shutdownTimeout: expected milliseconds or a string with a unit such as 250ms, 30s, 5m, 2h or 30d, got "soon"'
  ])
})

t.test('numbers out of range say the range, with the unit where the schema has one', async (t) => {
  t.same(problemsOf(t, () => validate({ server: { bodyLimit: 10 }, providers: [{ id: 'o', type: 'ollama', retries: 11, maxConcurrent: 0 }] })), [
    'server.bodyLimit: expected an integer ≥ 1024 (largest accepted request body in bytes), got 10',
    'providers[0].retries: expected an integer 0-10, got 11',
    'providers[0].maxConcurrent: expected an integer ≥ 1, got 0'
  ])
})

t.test('a string that does not match its pattern says what the pattern means', async (t) => {
  t.same(problemsOf(t, () => validate({ providers: [{ id: 'my box', type: 'ollama', baseUrl: 'localhost:11434' }] })), [
    'providers[0].id: expected an id of letters, digits and _ . - that starts with a letter or digit, got "my box"',
    'providers[0].baseUrl: expected a URL starting with http:// or https://, got "localhost:11434"'
  ])
})

t.test('strings too short and lists too short say the minimum', async (t) => {
  t.same(problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama' }], models: [{ name: '', targets: [] }] })), [
    'models[0].name: expected a non-empty string, got ""',
    'models[0].targets: expected a non-empty list, got an empty list'
  ])
})

t.test('a boolean, an object and a list given the wrong kind of value', async (t) => {
  t.same(problemsOf(t, () => validate({ metrics: { enabled: 'yes' }, server: 5, providers: { deepseek: { apiKey: 'sk-secret' } } })), [
    'server: expected an object, got 5',
    'providers: expected a list, got an object',
    'metrics.enabled: expected true or false, got "yes"'
  ])
})

t.test('an unknown key close to a known one suggests it', async (t) => {
  t.same(problemsOf(t, () => validate({ server: { prot: 8080, colour: 'red' }, providers: [{ id: 'o', type: 'ollama', apikey: 'sk-secret' }] })), [
    'server.prot: unknown key (check its spelling; did you mean "port"?)',
    'server.colour: unknown key (check its spelling)',
    'providers[0].apikey: unknown key (check its spelling; did you mean "apiKey"?)'
  ])
})

t.test('a missing field is one line saying what it needs', async (t) => {
  t.same(problemsOf(t, () => validate({ providers: [{ type: 'ollama' }], keys: [{ id: 'k', key: 'k'.repeat(8), budget: { tokens: 1 } }] })), [
    'providers[0].id: missing; expected an id of letters, digits and _ . - that starts with a letter or digit',
    'keys[0].budget.period: missing; expected one of day, month'
  ])
})

t.test('an alias target object is explained at its own bad field', async (t) => {
  t.same(problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama' }], models: [{ name: 'm', targets: [{ target: 'o/a', weight: -1 }, 5] }] })), [
    'models[0].targets[0].weight: expected a number ≥ 0, got -1',
    'models[0].targets[1]: expected a "provider/model" reference or an object with target, weight and retries, got 5'
  ])
})

t.test('a key inside a map keeps its slash in the line', async (t) => {
  t.same(problemsOf(t, () => validate({ providers: [{ id: 'o', type: 'ollama', modelOptions: { 'qwen/7b': 5 } }] })), [
    'providers[0].modelOptions.qwen/7b: expected an object, got 5'
  ])
})

t.test('secret values are never printed', async (t) => {
  const problems = problemsOf(t, () => load({
    env: { QIAO_MASTER_KEY: 'hunter2', REDIS_URL: 'http://user:hunter2@cache:6379' },
    cwd: dir(t, { 'qiao.yaml': 'providers:\n  - { id: o, type: ollama, apiKey: 12345, apiKeys: [""] }\nkeys:\n  - { id: k, key: hunter2 }\n' })
  }))
  t.same(problems, [
    'redis.url (from REDIS_URL): expected a URL starting with redis:// or rediss://, got "http://…@cache:6379"',
    'providers[0].apiKey: expected a string, got a number (not shown)',
    'providers[0].apiKeys[0]: expected a non-empty string, got a string (not shown)',
    'auth.masterKey (from QIAO_MASTER_KEY): expected a string of at least 16 characters, got a string (not shown)',
    'keys[0].key: expected a string of at least 8 characters, got a string (not shown)'
  ])
  t.notMatch(problems.join('\n'), /hunter2|12345/)
})

t.test('environment variables are read as the field expects and reported with the file problems', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'log:\n  level: loud\n' })
  t.same(problemsOf(t, () => load({ env: { PORT: '8080.5', QIAO_WORKERS: 'lots' }, cwd })), [
    'server.port (from PORT): expected an integer 0-65535, got 8080.5',
    'server.workers (from QIAO_WORKERS): expected an integer ≥ 1 or "auto", got "lots"',
    'log.level: "loud" is not one of fatal, error, warn, info, debug, trace, silent'
  ])
})

t.test('a field added to a schema later is explained with no extra code', async (t) => {
  const Alerts = Type.Object({
    channel: Type.Union([Type.Literal('email'), Type.Literal('webhook')]),
    threshold: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    code: Type.String({ pattern: '^[A-Z]{3}$' }),
    muted: Type.Array(Type.String(), { minItems: 2 })
  }, { additionalProperties: false })
  t.same(explainErrors(Alerts, { channel: 'webhok', threshold: 0, code: 'usd', muted: [] }), [
    'channel: "webhok" is not one of email, webhook (did you mean "webhook"?)',
    'threshold: expected a number > 0 and ≤ 1, got 0',
    'code: expected a string matching ^[A-Z]{3}$, got "usd"',
    'muted: expected a list of at least 2 items, got an empty list'
  ])
})

t.test('the process prints one line per problem, no stack trace, and exits 1', async (t) => {
  const cwd = dir(t, { 'qiao.yaml': 'server:\n  port: 80a\n  prot: 1\nproviders:\n  - { id: ds, type: deepsek, apiKey: sk-secret }\n' })
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', '--config', join(cwd, 'qiao.yaml')], {
    cwd: resolve(fileURLToPath(import.meta.url), '../../..'),
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  const code = await new Promise<number | null>((resolve) => { child.once('exit', resolve) })
  t.equal(code, 1)
  t.equal(stderr, [
    `qiao: invalid configuration (${join(cwd, 'qiao.yaml')}):`,
    '  server.prot: unknown key (check its spelling; did you mean "port"?)',
    '  server.port: expected an integer 0-65535, got "80a"',
    '  providers[0].type: "deepsek" is not one of deepseek, zhipu, modelscope, ollama, openai (did you mean "deepseek"?)',
    ''
  ].join('\n'))
})
