// loadConfig: defaults ← YAML file (or providers from the environment) ← environment overrides → validate → freeze.
import t, { type Test } from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig, mergeWithDefaults, validateConfig, type LoadOptions } from '../../src/config/load.js'
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

t.test('a PORT that is not a whole number is reported by name', async (t) => {
  const problems = problemsOf(t, () => load({ env: { PORT: 'eighty' }, cwd: dir(t) }))
  t.equal(problems.length, 1)
  t.match(problems[0], /^PORT: .*eighty/)
})

t.test('an unknown LOG_LEVEL is reported against log.level', async (t) => {
  const problems = problemsOf(t, () => load({ env: { LOG_LEVEL: 'loud' }, cwd: dir(t) }))
  t.match(problems, [/^log\.level: .*loud/])
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
