// defaults ← YAML file (or providers from the environment) ← environment overrides → validate → freeze.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import type * as Yaml from 'yaml'
import { ConfigSchema, type Config, type ConfigInput, type ProviderConfig } from './schema.js'
import { DEFAULT_CONFIG } from './defaults.js'
import { CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE, OLLAMA_BASE_URL_ENV } from './env-map.js'
import { applyEnvOverrides } from './env-overrides.js'
import { explainErrors, type Origins } from './explain-errors.js'
import { interpolate, type Env } from './interpolate.js'
import { checkSemantics } from './semantics.js'
import { PROVIDER_CATALOG } from '../providers/catalog.js'

export class ConfigError extends Error {
  constructor (readonly problems: string[], readonly source: string) {
    super(`invalid configuration (${source}):\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

export interface LoadOptions {
  argv?: string[]
  env?: Env
  cwd?: string
}

export interface LoadedConfig {
  config: Config
  /** The file read, or 'environment' when none was. */
  source: string
}

export function loadConfig ({ argv = [], env = {}, cwd = process.cwd() }: LoadOptions = {}): LoadedConfig {
  const file = findConfigFile(argv, env, cwd)
  const problems: string[] = []
  let input: ConfigInput
  if (file === undefined) {
    input = { providers: providersFromEnv(env) }
  } else {
    const parsed = readYaml(file)
    input = interpolate(parsed ?? {}, env, '', problems) as ConfigInput
  }
  const { config: merged, origins } = applyEnvOverrides(mergeWithDefaults(input), env)
  const source = file ?? 'environment'
  if (problems.length > 0) throw new ConfigError(problems, source)
  return { config: validateConfig(merged, source, origins), source }
}

/**
 * Defaults, validation and freezing for a config built in code (tests, embedding).
 * `origins` names the environment variable behind a field, for the error line.
 */
export function validateConfig (input: unknown, source = 'config object', origins?: Origins): Config {
  const problems = explainErrors(ConfigSchema, input, origins)
  if (problems.length === 0) problems.push(...checkSemantics(input as Config))
  if (problems.length > 0) throw new ConfigError(problems, source)
  return deepFreeze(structuredClone(input) as Config)
}

export function mergeWithDefaults (input: ConfigInput): unknown {
  return mergeDeep(DEFAULT_CONFIG, input)
}

/** Plain objects merge key by key; arrays and values given replace the default. */
function mergeDeep (defaults: unknown, given: unknown): unknown {
  if (given === undefined || given === null) return structuredClone(defaults)
  if (!isPlainObject(defaults) || !isPlainObject(given)) return given
  const merged: Record<string, unknown> = { ...given }
  for (const [key, value] of Object.entries(defaults)) merged[key] = mergeDeep(value, given[key])
  return merged
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function findConfigFile (argv: string[], env: Env, cwd: string): string | undefined {
  const flag = argv.findIndex((arg) => arg === '--config' || arg.startsWith('--config='))
  if (flag >= 0) {
    const arg = argv[flag] as string
    const path = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[flag + 1]
    if (path === undefined || path === '') throw new ConfigError(['--config needs a file path'], 'command line')
    return resolve(cwd, path)
  }
  const fromEnv = env[CONFIG_FILE_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return resolve(cwd, fromEnv)
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE)
  return existsSync(fallback) ? fallback : undefined
}

function readYaml (file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError([`cannot read the file: ${(err as Error).message}`], file)
  }
  try {
    return loadYaml().parse(text)
  } catch (err) {
    throw new ConfigError([`not valid YAML: ${(err as Error).message.split('\n')[0]}`], file)
  }
}

/** The YAML parser is loaded only when a file is read: a config from the environment or from code needs none. */
function loadYaml (): typeof Yaml {
  return createRequire(import.meta.url)('yaml') as typeof Yaml
}

function providersFromEnv (env: Env): ProviderConfig[] {
  const providers: ProviderConfig[] = []
  for (const type of ['deepseek', 'zhipu', 'modelscope'] as const) {
    const keyEnv = PROVIDER_CATALOG[type].apiKeyEnv as string
    const apiKey = env[keyEnv]
    if (apiKey !== undefined && apiKey !== '') providers.push({ id: type, type, apiKey, models: [...PROVIDER_CATALOG[type].models] })
  }
  const ollamaUrl = env[OLLAMA_BASE_URL_ENV]
  providers.push({ id: 'ollama', type: 'ollama', baseUrl: ollamaUrl !== undefined && ollamaUrl !== '' ? ollamaUrl : PROVIDER_CATALOG.ollama.baseUrl })
  return providers
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item)
    Object.freeze(value)
  }
  return value
}
