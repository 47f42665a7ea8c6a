// Rules the schema cannot say: unique ids, aliases pointing at providers that exist, required keys.
import type { Config } from './schema.js'
import { PROVIDER_CATALOG } from '../providers/catalog.js'

export function checkSemantics (config: Config): string[] {
  const problems: string[] = []
  const ids = new Set<string>()
  config.providers.forEach((provider, i) => {
    if (ids.has(provider.id)) problems.push(`providers[${i}].id: "${provider.id}" is used by another provider`)
    ids.add(provider.id)
    if (PROVIDER_CATALOG[provider.type].requiresApiKey && (provider.apiKey === undefined || provider.apiKey === '') && provider.apiKeys === undefined) {
      problems.push(`providers[${i}].apiKey: required for type ${provider.type}`)
    }
  })
  const aliases = new Set<string>()
  config.models.forEach((alias, i) => {
    if (aliases.has(alias.name)) problems.push(`models[${i}].name: "${alias.name}" is defined twice`)
    aliases.add(alias.name)
    alias.targets.forEach((entry, j) => {
      const target = typeof entry === 'string' ? entry : entry.target
      const providerId = target.slice(0, target.indexOf('/'))
      if (!ids.has(providerId)) problems.push(`models[${i}].targets[${j}]: no provider with id "${providerId}"`)
    })
  })
  const keyIds = new Set<string>()
  config.keys.forEach((key, i) => {
    if (keyIds.has(key.id)) problems.push(`keys[${i}].id: "${key.id}" is used by another key`)
    keyIds.add(key.id)
    if ((key.key === undefined) === (key.keyHash === undefined)) problems.push(`keys[${i}]: give exactly one of key or keyHash`)
    if (key.expiresAt !== undefined && Number.isNaN(Date.parse(key.expiresAt))) problems.push(`keys[${i}].expiresAt: not an ISO-8601 time: ${key.expiresAt}`)
    if (key.budget !== undefined && key.budget.tokens === undefined && key.budget.amount === undefined) problems.push(`keys[${i}].budget: give tokens, amount or both`)
  })
  const teamIds = new Set<string>()
  config.teams.forEach((team, i) => {
    if (teamIds.has(team.id)) problems.push(`teams[${i}].id: "${team.id}" is used by another team`)
    teamIds.add(team.id)
    if (team.budget !== undefined && team.budget.tokens === undefined && team.budget.amount === undefined) problems.push(`teams[${i}].budget: give tokens, amount or both`)
  })
  const topologies = (['url', 'cluster', 'sentinel'] as const).filter((field) => config.redis[field] !== undefined)
  if (topologies.length > 1) problems.push(`redis: give one of url, cluster or sentinel, not ${topologies.join(' and ')}`)
  return problems
}
