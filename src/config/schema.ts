// The one source of truth for configuration: the TypeScript type is derived from this schema.
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { DURATION_PATTERN } from './duration.js'

const Strict = { additionalProperties: false } as const
// A description says in words what a pattern or a mixed union allows: config errors print it.
const Duration = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })], {
  description: 'milliseconds or a string with a unit such as 250ms, 30s, 5m, 2h or 30d'
})
const Optional = <T extends TSchema>(schema: T) => Type.Optional(schema)
// Password, user name and TLS (rediss://) come from the URL.
const RedisUrl = Type.String({ pattern: '^rediss?://', description: 'a URL starting with redis:// or rediss://' })

export const PROVIDER_TYPES = ['deepseek', 'zhipu', 'modelscope', 'ollama', 'openai'] as const
export const ProviderTypeSchema = Type.Union(PROVIDER_TYPES.map((name) => Type.Literal(name)))

const OllamaOptions = Type.Record(Type.String(), Type.Unknown())

export const ProviderSchema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'an id of letters, digits and _ . - that starts with a letter or digit' }),
  type: ProviderTypeSchema,
  baseUrl: Optional(Type.String({ pattern: '^https?://', description: 'a URL starting with http:// or https://' })),
  apiKey: Optional(Type.String()),
  models: Optional(Type.Array(Type.String({ minLength: 1 }))),
  keepAlive: Optional(Duration),
  options: Optional(OllamaOptions),
  modelOptions: Optional(Type.Record(Type.String(), OllamaOptions)),
  /** Several keys are used in turn; one the backend rejects leaves the rotation. */
  apiKeys: Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  retries: Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  maxRetryAfter: Optional(Duration),
  timeouts: Optional(Type.Object({
    connect: Optional(Duration),
    firstByte: Optional(Duration),
    idle: Optional(Duration),
    total: Optional(Duration)
  }, Strict)),
  circuitBreaker: Optional(Type.Object({
    failures: Optional(Type.Integer({ minimum: 1 })),
    cooldown: Optional(Duration)
  }, Strict)),
  maxConcurrent: Optional(Type.Integer({ minimum: 1 })),
  maxQueue: Optional(Type.Integer({ minimum: 0 })),
  /** Answer unit-length (L2) vectors for every embedding model of this provider, so scores compare alike across backends. */
  normalizeEmbeddings: Optional(Type.Boolean())
}, Strict)

const TargetRef = Type.String({ pattern: '^[^/]+/.+', description: 'a "provider/model" reference' })

export const AliasTargetSchema = Type.Union([TargetRef, Type.Object({
  target: TargetRef,
  weight: Optional(Type.Number({ minimum: 0 })),
  retries: Optional(Type.Integer({ minimum: 0, maximum: 10 }))
}, Strict)], { description: 'a "provider/model" reference or an object with target, weight and retries' })

export const AliasSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  strategy: Optional(Type.Union([Type.Literal('fallback'), Type.Literal('weighted')])),
  targets: Type.Array(AliasTargetSchema, { minItems: 1 })
}, Strict)

/** Spend per UTC calendar period: tokens, money (`amount`, in `pricing.currency`) or both; admitted while any is left. */
export const BudgetSchema = Type.Object({
  tokens: Optional(Type.Integer({ minimum: 1 })),
  amount: Optional(Type.Number({ exclusiveMinimum: 0, description: 'money, in pricing.currency' })),
  period: Type.Union([Type.Literal('day'), Type.Literal('month')]),
  alertAt: Optional(Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 1 }), { description: 'fractions of the budget that raise an alert once per period, e.g. [0.8, 0.95]' }))
}, Strict)

const ModelList = Type.Array(Type.String({ minLength: 1 }))

export const TeamSchema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]*$', description: 'an id of letters, digits and _ . @ - that starts with a letter or digit' }),
  models: Optional(ModelList),
  rpm: Optional(Type.Integer({ minimum: 1 })),
  tpm: Optional(Type.Integer({ minimum: 1 })),
  budget: Optional(BudgetSchema)
}, Strict)

/** Per 1M tokens, in pricing.currency. */
export const PriceSchema = Type.Object({
  input: Optional(Type.Number({ minimum: 0 })),
  cachedInput: Optional(Type.Number({ minimum: 0, description: 'prompt tokens the backend served from its own cache; default: input' })),
  output: Optional(Type.Number({ minimum: 0 }))
}, Strict)

export const PricingSchema = Type.Object({
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'an ISO 4217 code such as CNY or USD' }),
  models: Type.Record(Type.String({ pattern: '^[^/]+/.+' }), PriceSchema, { description: 'keys are "<provider id>/<upstream model>", globs allowed' })
}, Strict)

export const KeySchema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]*$', description: 'an id of letters, digits and _ . @ - that starts with a letter or digit' }),
  team: Optional(Type.String({ minLength: 1 })),
  key: Optional(Type.String({ minLength: 8 })),
  keyHash: Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: '"sha256:" and 64 lowercase hex digits' })),
  models: Optional(Type.Array(Type.String({ minLength: 1 }))),
  rpm: Optional(Type.Integer({ minimum: 1 })),
  tpm: Optional(Type.Integer({ minimum: 1 })),
  expiresAt: Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T', description: 'an ISO-8601 time such as 2030-01-31T00:00:00Z' })),
  budget: Optional(BudgetSchema)
}, Strict)

export const EmbeddingCacheSchema = Type.Object({
  enabled: Type.Boolean(),
  ttl: Duration,
  maxBytes: Type.Integer({ minimum: 0, description: 'bound of the in-process store, in bytes' }),
  localMaxBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'with Redis: bound of the in-process tier in front of it, in bytes (0: none)' })),
  scope: Type.Union([Type.Literal('team'), Type.Literal('key'), Type.Literal('global')]),
  timeout: Type.Optional(Duration)
}, Strict)

export const ConfigSchema = Type.Object({
  server: Type.Object({
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    bodyLimit: Type.Integer({ minimum: 1024, description: 'largest accepted request body in bytes' }),
    shutdownTimeout: Duration,
    workers: Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('auto')])
  }, Strict),
  log: Type.Object({
    level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)))
  }, Strict),
  redis: Type.Object({
    url: Optional(RedisUrl),
    /** Seed nodes of a Redis Cluster; the client learns the rest. */
    cluster: Optional(Type.Array(RedisUrl, { minItems: 1 })),
    /** Sentinels watching the master called `name`. */
    sentinel: Optional(Type.Object({
      name: Type.String({ minLength: 1 }),
      nodes: Type.Array(RedisUrl, { minItems: 1 })
    }, Strict)),
    keyPrefix: Type.String({ pattern: '^[^{}]*$', description: 'text without { or } (braces would change which Cluster slot a key lands in)' })
  }, Strict),
  providers: Type.Array(ProviderSchema),
  models: Type.Array(AliasSchema),
  cache: Type.Object({
    embeddings: EmbeddingCacheSchema
  }, Strict),
  auth: Type.Object({
    masterKey: Optional(Type.String({ minLength: 16 })),
    allowAnonymous: Type.Boolean()
  }, Strict),
  keys: Type.Array(KeySchema),
  teams: Type.Array(TeamSchema),
  pricing: PricingSchema,
  alerts: Type.Object({
    webhook: Optional(Type.String({ pattern: '^https?://', description: 'an http(s) URL that receives budget alerts as JSON POSTs' }))
  }, Strict),
  usage: Type.Object({
    retention: Duration
  }, Strict),
  responses: Type.Object({
    ttl: Duration
  }, Strict),
  metrics: Type.Object({
    enabled: Type.Boolean(),
    auth: Type.Boolean()
  }, Strict)
}, Strict)

export type Config = Static<typeof ConfigSchema>
export type ProviderConfig = Static<typeof ProviderSchema>
export type ProviderType = Static<typeof ProviderTypeSchema>
export type AliasConfig = Static<typeof AliasSchema>
export type AliasTarget = Static<typeof AliasTargetSchema>
export type KeyConfig = Static<typeof KeySchema>
export type TeamConfig = Static<typeof TeamSchema>
export type BudgetConfig = Static<typeof BudgetSchema>
export type PriceConfig = Static<typeof PriceSchema>
export type EmbeddingCacheConfig = Static<typeof EmbeddingCacheSchema>

type DeepPartial<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T

/** A config as written in a file or passed by tests: anything left out takes its default. */
export type ConfigInput = DeepPartial<Config>
