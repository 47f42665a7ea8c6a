// The one source of truth for configuration: the TypeScript type is derived from this schema.
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { DURATION_PATTERN } from './duration.js'

const Strict = { additionalProperties: false } as const
const Duration = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })], {
  description: 'milliseconds, or a string with a unit: 250ms, 30s, 5m, 2h, 30d'
})
const Optional = <T extends TSchema>(schema: T) => Type.Optional(schema)

export const PROVIDER_TYPES = ['deepseek', 'zhipu', 'modelscope', 'ollama', 'openai'] as const
export const ProviderTypeSchema = Type.Union(PROVIDER_TYPES.map((name) => Type.Literal(name)))

const OllamaOptions = Type.Record(Type.String(), Type.Unknown())

export const ProviderSchema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
  type: ProviderTypeSchema,
  baseUrl: Optional(Type.String({ pattern: '^https?://' })),
  apiKey: Optional(Type.String()),
  models: Optional(Type.Array(Type.String({ minLength: 1 }))),
  keepAlive: Optional(Duration),
  options: Optional(OllamaOptions),
  modelOptions: Optional(Type.Record(Type.String(), OllamaOptions))
}, Strict)

export const AliasSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  targets: Type.Array(Type.String({ pattern: '^[^/]+/.+' }), { minItems: 1 })
}, Strict)

export const EmbeddingCacheSchema = Type.Object({
  enabled: Type.Boolean(),
  ttl: Duration,
  maxBytes: Type.Integer({ minimum: 0, description: 'bound of the in-process store, in bytes' }),
  scope: Type.Union([Type.Literal('team'), Type.Literal('key'), Type.Literal('global')]),
  timeout: Type.Optional(Duration)
}, Strict)

export const ConfigSchema = Type.Object({
  server: Type.Object({
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    bodyLimit: Type.Integer({ minimum: 1024, description: 'largest accepted request body in bytes' })
  }, Strict),
  log: Type.Object({
    level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)))
  }, Strict),
  redis: Type.Object({
    url: Optional(Type.String({ pattern: '^rediss?://' })),
    keyPrefix: Type.String()
  }, Strict),
  providers: Type.Array(ProviderSchema),
  models: Type.Array(AliasSchema),
  cache: Type.Object({
    embeddings: EmbeddingCacheSchema
  }, Strict)
}, Strict)

export type Config = Static<typeof ConfigSchema>
export type ProviderConfig = Static<typeof ProviderSchema>
export type ProviderType = Static<typeof ProviderTypeSchema>
export type AliasConfig = Static<typeof AliasSchema>
export type EmbeddingCacheConfig = Static<typeof EmbeddingCacheSchema>

type DeepPartial<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T

/** A config as written in a file or passed by tests: anything left out takes its default. */
export type ConfigInput = DeepPartial<Config>
