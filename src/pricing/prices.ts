// The price of a served target, `<provider id>/<upstream model>`: the config's `pricing.models` first (exact
// names, then globs), then the built-in table by provider type. Prices are kept as integer picos per token
// (10⁻¹² of the currency: a price per 1M tokens with up to 6 decimals is exact), so costs are exact sums.
import type { PriceConfig, ProviderType } from '../config/schema.js'
import { globToRegExp } from '../auth/model-access.js'
import { BUILT_IN_PRICES } from './price-table.js'

export interface Price {
  /** Picos per token. */
  input: number
  cachedInput: number
  output: number
}

type Table = Array<{ match: (name: string) => boolean, price: Price }>

export class Prices {
  private readonly configured: Table
  private readonly builtIn: Table
  private readonly memo = new Map<string, Price | null>()

  constructor (configured: Record<string, PriceConfig>) {
    this.configured = tableOf(configured)
    this.builtIn = tableOf(BUILT_IN_PRICES)
  }

  /** The price of a target, or undefined when neither the config nor the built-in table prices it. */
  of (providerId: string, providerType: ProviderType, upstreamModel: string): Price | undefined {
    const name = `${providerId}/${upstreamModel}`
    const memoKey = `${providerType}\t${name}`
    let price = this.memo.get(memoKey)
    if (price === undefined) {
      price = find(this.configured, name) ?? find(this.builtIn, `${providerType}/${upstreamModel}`) ?? null
      if (this.memo.size < 10_000) this.memo.set(memoKey, price)
    }
    return price ?? undefined
  }
}

function tableOf (rows: Record<string, PriceConfig>): Table {
  const entries = Object.entries(rows)
  // Exact names win over globs; among globs, the longest (most specific) first.
  entries.sort(([a], [b]) => Number(a.includes('*')) - Number(b.includes('*')) || b.length - a.length)
  return entries.map(([pattern, price]) => ({ match: matcherOf(pattern), price: picosOf(price) }))
}

function find (table: Table, name: string): Price | undefined {
  return table.find((row) => row.match(name))?.price
}

function matcherOf (pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (name) => name === pattern
  const re = globToRegExp(pattern)
  return (name) => re.test(name)
}

/** Per 1M tokens → picos per token: × 10¹² / 10⁶. */
function picosOf (price: PriceConfig): Price {
  const picos = (perMillion: number | undefined) => Math.round((perMillion ?? 0) * 1_000_000)
  return { input: picos(price.input), cachedInput: picos(price.cachedInput ?? price.input), output: picos(price.output) }
}
