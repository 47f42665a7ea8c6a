// A provider's resilience settings with their defaults filled in (the config leaves them optional).
import { durationMs } from './duration.js'
import type { ProviderConfig } from './schema.js'

export interface ProviderPolicy {
  retries: number
  maxRetryAfterMs: number
  connectMs: number
  firstByteMs: number
  idleMs: number
  totalMs: number
  breakerFailures: number
  breakerCooldownMs: number
  maxConcurrent: number
  maxQueue: number
}

export const DEFAULT_POLICY: ProviderPolicy = {
  retries: 1,
  maxRetryAfterMs: 10_000,
  connectMs: 5_000,
  firstByteMs: 60_000,
  idleMs: 60_000,
  totalMs: 600_000,
  breakerFailures: 5,
  breakerCooldownMs: 30_000,
  maxConcurrent: 256,
  maxQueue: 1024
}

const ms = (value: number | string | undefined, fallback: number): number => value === undefined ? fallback : durationMs(value)

export function providerPolicy (config: ProviderConfig): ProviderPolicy {
  const d = DEFAULT_POLICY
  return {
    retries: config.retries ?? d.retries,
    maxRetryAfterMs: ms(config.maxRetryAfter, d.maxRetryAfterMs),
    connectMs: ms(config.timeouts?.connect, d.connectMs),
    firstByteMs: ms(config.timeouts?.firstByte, d.firstByteMs),
    idleMs: ms(config.timeouts?.idle, d.idleMs),
    totalMs: ms(config.timeouts?.total, d.totalMs),
    breakerFailures: config.circuitBreaker?.failures ?? d.breakerFailures,
    breakerCooldownMs: ms(config.circuitBreaker?.cooldown, d.breakerCooldownMs),
    maxConcurrent: config.maxConcurrent ?? d.maxConcurrent,
    maxQueue: config.maxQueue ?? d.maxQueue
  }
}

/** The upstream pool settings that follow from a provider's config. */
export function upstreamClientOptions (config: ProviderConfig, defaultBaseUrl: string) {
  const policy = providerPolicy(config)
  return {
    baseUrl: config.baseUrl ?? defaultBaseUrl,
    apiKeys: providerKeys(config),
    connections: policy.maxConcurrent,
    connectTimeoutMs: policy.connectMs,
    headersTimeoutMs: policy.firstByteMs,
    bodyTimeoutMs: policy.idleMs
  }
}

export function providerKeys (config: ProviderConfig): string[] {
  return [...(config.apiKey !== undefined && config.apiKey !== '' ? [config.apiKey] : []), ...(config.apiKeys ?? [])]
}
