// Budget alerts: when a budget's spend crosses one of its `alertAt` fractions, or runs out, one warning line and
// (with `alerts.webhook`) one POST, once per budget, fraction and period on every replica together.
import { formatNanos } from '../pricing/money.js'
import type { CounterStore } from './counter-store.js'
import type { BudgetRef } from './checks.js'

export interface BudgetEvent {
  event: 'budget_threshold' | 'budget_exhausted'
  scope: 'key' | 'team'
  id: string
  fraction: number
  spent: number
  amount?: number
  tokens?: number
  currency: string
  period: 'day' | 'month'
  periodStart: string
}

export interface AlertLog {
  warn: (fields: object, msg: string) => void
}

export class BudgetAlerts {
  constructor (
    private readonly store: CounterStore,
    private readonly log: AlertLog,
    readonly currency: string,
    private readonly send?: (event: BudgetEvent) => void
  ) {}

  /** Called with a budget counter's value after a request was settled. */
  observe (budget: BudgetRef, value: number): void {
    const fractions = [...(budget.owner.budget?.alertAt ?? [])].sort((a, b) => a - b)
    const crossed = fractions.filter((f) => f < 1 && value >= f * budget.limit)
    if (value >= budget.limit) this.raise(budget, 'budget_exhausted', 1, value)
    // Only the highest fraction crossed: a budget jumping from 50 % to 97 % alerts for 95 %, not for 80 % too.
    const highest = crossed.at(-1)
    if (highest !== undefined && value < budget.limit) this.raise(budget, 'budget_threshold', highest, value)
  }

  private raise (budget: BudgetRef, event: BudgetEvent['event'], fraction: number, value: number): void {
    const claim = `alerts:${budget.owner.scope}:${budget.owner.id}:${budget.unit}:${budget.periodStart}:${event}:${fraction}`
    this.store.once(claim, budget.endsAt - Date.now() + 86_400_000).then((first) => {
      if (!first) return
      const money = budget.unit === 'amount'
      const alert: BudgetEvent = {
        event,
        scope: budget.owner.scope,
        id: budget.owner.id,
        fraction,
        spent: money ? Number(formatNanos(value)) : value,
        ...(money ? { amount: Number(formatNanos(budget.limit)) } : { tokens: budget.limit }),
        currency: this.currency,
        period: budget.period,
        periodStart: budget.periodStart
      }
      this.log.warn(alert, `${budget.owner.scope} '${budget.owner.id}' ${event === 'budget_exhausted' ? 'has spent its' : `has spent ${Math.round(fraction * 100)} % of its`} ${money ? 'money' : 'token'} budget for this ${budget.period}`)
      this.send?.(alert)
    }, () => { /* the store is down: limits fail open, alerts wait for the next settled request */ })
  }
}
