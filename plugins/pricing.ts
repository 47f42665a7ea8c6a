import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ProviderType } from '../src/config/schema.js'
import { PermissionDeniedError } from '../src/errors/gateway-error.js'
import { cachedPromptTokens, costNanos, inputNanos } from '../src/pricing/cost.js'
import { formatNanos } from '../src/pricing/money.js'
import { Prices, type Price } from '../src/pricing/prices.js'
import type { ListedModel, RouteTarget } from '../src/routing/model-router.js'

export interface Pricing {
  readonly currency: string
  priceOf: (target: RouteTarget) => Price | undefined
  /**
   * The most a request of `tokens` may cost on any target of `model`, in nanos; throws 403 model_not_priced when
   * a target has no price (a money budget must never leak).
   */
  estimateNanos: (model: string, tokens: number) => number | Promise<number>
  /** The request's cost as a decimal string, priced now (a stream's usage is known at its last chunk). */
  costNow: (request: FastifyRequest) => string | undefined
  /** Logs one warning listing the served models (`provider/model`) that have no price; returns them. */
  warnUnpriced: (served: ListedModel[]) => string[]
}

declare module 'fastify' {
  interface FastifyInstance {
    pricing: Pricing
  }
}

/**
 * Prices every request by the target that served it (not the alias the client sent): `x-qiao-cost` on JSON
 * answers, `request.qiao.cost` for usage, metrics and the log line when the request ends (streams and
 * clients that left included). Embedding inputs served from the cache cost nothing; their worth is `savedCost`.
 */
export default fp(async (app) => {
  const prices = new Prices(app.config.pricing.models)
  const typeOf = new Map<string, ProviderType>(app.config.providers.map((p) => [p.id, p.type]))
  const priceOf = (target: RouteTarget): Price | undefined => prices.of(target.adapter.id, target.adapter.type, target.upstreamModel)

  function price (request: FastifyRequest): void {
    const qiao = request.qiao
    if (qiao.cost !== undefined || qiao.provider === undefined || qiao.providerType === undefined || qiao.upstreamModel === undefined) return
    const rate = prices.of(qiao.provider, qiao.providerType, qiao.upstreamModel)
    if (rate === undefined) return
    qiao.cachedPromptTokens = cachedPromptTokens(qiao.usage)
    qiao.cost = costNanos(qiao.usage, rate)
    if (qiao.savedTokens !== undefined && qiao.savedTokens > 0) qiao.savedCost = inputNanos(qiao.savedTokens, rate)
  }

  // A JSON answer's usage is known before it is sent; a stream's only at its end.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.qiao.usage !== undefined && reply.statusCode < 400) {
      price(request)
      if (request.qiao.cost !== undefined) void reply.header('x-qiao-cost', formatNanos(request.qiao.cost))
    }
    done(null, payload)
  })
  app.onRequestEnd((request) => { price(request) })

  function estimateFor (model: string, tokens: number, targets: RouteTarget[]): number {
    let most = 0
    for (const target of targets) {
      const rate = priceOf(target)
      if (rate === undefined) {
        throw new PermissionDeniedError(`The model '${model}' has no price (${target.adapter.id}/${target.upstreamModel}) and this key has a money budget: set pricing.models`,
          { code: 'model_not_priced', param: 'model' })
      }
      most = Math.max(most, Math.max(rate.input, rate.cachedInput, rate.output) * tokens / 1000)
    }
    return Math.ceil(most)
  }

  app.decorate('pricing', {
    currency: app.config.pricing.currency,
    priceOf,
    costNow: (request) => {
      price(request)
      return request.qiao.cost !== undefined ? formatNanos(request.qiao.cost) : undefined
    },
    estimateNanos: (model, tokens) => {
      const targets = app.modelRouter.resolve(model)
      return Array.isArray(targets) ? estimateFor(model, tokens, targets) : targets.then((resolved) => estimateFor(model, tokens, resolved))
    },
    warnUnpriced: (served) => {
      const unpriced = served.filter(({ id, ownedBy }) => {
        const type = typeOf.get(ownedBy)
        return type !== undefined && prices.of(ownedBy, type, id.slice(ownedBy.length + 1)) === undefined
      }).map(({ id }) => id)
      if (unpriced.length > 0) app.log.warn({ models: unpriced }, `${unpriced.length} served models have no price (cost 0, refused to keys with a money budget): set pricing.models`)
      return unpriced
    }
  })
}, { name: 'pricing', dependencies: ['config', 'request-context'], fastify: '5.x' })
