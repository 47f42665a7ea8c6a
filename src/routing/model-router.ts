// A client's `model` → the provider targets that can serve it, in order (issue contract):
// 1. an alias from `models` (an exact name first, then names with `*` in config order); 2. `<provider id>/<model>`,
// split at the first `/` only; 3. a bare name that exactly one provider lists (Ollama's also without `:latest`).
import { globToRegExp } from '../auth/model-access.js'
import type { AliasConfig } from '../config/schema.js'
import { ModelNotFoundError } from '../errors/gateway-error.js'
import type { ProviderAdapter } from '../providers/types.js'

export interface RouteTarget {
  adapter: ProviderAdapter
  upstreamModel: string
  /** Extra attempts on this target before the next one; the provider's `retries` when absent. */
  retries?: number
}

export interface ListedModel {
  id: string
  ownedBy: string
}

const LATEST = ':latest'
/** How long a bare name's owner is trusted before the providers' lists are read again (Ollama's changes as models are pulled). */
const OWNER_MEMO_MS = 10_000

export class ModelRouter {
  private readonly byId: Map<string, ProviderAdapter>
  private readonly aliases: Map<string, AliasConfig>
  /** Aliases named by a glob (`claude-*`), so that one line serves every name a client like Claude Code sends. */
  private readonly globAliases: Array<{ pattern: RegExp, alias: AliasConfig }>
  private readonly owners = new Map<string, { at: number, plan: RouteTarget[] }>()

  constructor (readonly adapters: ProviderAdapter[], aliases: readonly AliasConfig[]) {
    this.byId = new Map(adapters.map((adapter) => [adapter.id, adapter]))
    this.aliases = new Map(aliases.filter((alias) => !alias.name.includes('*')).map((alias) => [alias.name, alias]))
    this.globAliases = aliases.filter((alias) => alias.name.includes('*')).map((alias) => ({ pattern: globToRegExp(alias.name), alias }))
  }

  /** A plan at once for aliases, `<provider>/<model>` and recently resolved bare names; else a look through the providers' lists. */
  resolve (model: string): RouteTarget[] | Promise<RouteTarget[]> {
    const alias = this.aliases.get(model) ?? this.globAliases.find(({ pattern }) => pattern.test(model))?.alias
    if (alias !== undefined) return this.aliasPlan(alias)
    const explicit = this.explicit(model)
    if (explicit !== undefined) return [explicit]
    const known = this.owners.get(model)
    if (known !== undefined && Date.now() - known.at < OWNER_MEMO_MS) return known.plan
    return this.findOwner(model)
  }

  private async findOwner (model: string): Promise<RouteTarget[]> {
    const owners: RouteTarget[] = []
    await Promise.all(this.adapters.map(async (adapter) => {
      const listed = await adapter.listModels()
      const match = listed.find((name) => name === model || name === `${model}${LATEST}`)
      if (match !== undefined) owners.push({ adapter, upstreamModel: match === model ? model : match })
    }))
    if (owners.length === 1) {
      // Only names a provider serves are kept, so clients sending made-up names cannot grow the map.
      this.owners.set(model, { at: Date.now(), plan: owners })
      return owners
    }
    if (owners.length > 1) {
      const choices = owners.map((o) => `'${o.adapter.id}/${model}'`).sort().join(' or ')
      throw new ModelNotFoundError(model, `: several providers serve it; send ${choices}`)
    }
    throw new ModelNotFoundError(model)
  }

  /** Every name a client may send: exact aliases, then `<provider>/<model>` for each listed model. */
  async list (): Promise<ListedModel[]> {
    const models: ListedModel[] = [...this.aliases.keys()].map((id) => ({ id, ownedBy: 'qiao' }))
    const perProvider = await Promise.all(this.adapters.map(async (adapter) =>
      (await adapter.listModels()).map((name) => ({ id: `${adapter.id}/${name}`, ownedBy: adapter.id }))))
    return models.concat(...perProvider)
  }

  /** fallback: targets in order; weighted: a weighted draw decides the order, the rest stay as fallbacks. */
  private aliasPlan (alias: AliasConfig): RouteTarget[] {
    const entries = alias.targets.map((entry) => {
      const spec = typeof entry === 'string' ? { target: entry } : entry
      const target = this.explicit(spec.target) as RouteTarget
      return { target: spec.retries === undefined ? target : { ...target, retries: spec.retries }, weight: spec.weight ?? 1 }
    })
    if (alias.strategy !== 'weighted') return entries.map((e) => e.target)
    const plan: RouteTarget[] = []
    const pool = [...entries]
    while (pool.length > 0) {
      const total = pool.reduce((sum, e) => sum + e.weight, 0)
      let draw = Math.random() * total
      let index = pool.findIndex((e) => (draw -= e.weight) < 0)
      if (index < 0) index = pool.length - 1
      plan.push((pool.splice(index, 1)[0] as typeof entries[number]).target)
    }
    return plan
  }

  private explicit (model: string): RouteTarget | undefined {
    const slash = model.indexOf('/')
    if (slash <= 0) return undefined
    const adapter = this.byId.get(model.slice(0, slash))
    const upstreamModel = model.slice(slash + 1)
    return adapter === undefined || upstreamModel === '' ? undefined : { adapter, upstreamModel }
  }

  async close (): Promise<void> {
    await Promise.all(this.adapters.map(async (adapter) => { await adapter.close() }))
  }
}
