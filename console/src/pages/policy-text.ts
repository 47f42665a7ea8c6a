// Short readable forms of limits and budgets for tables and cards.
import { money, num } from '../format.js'
import { t } from '../i18n.js'
import type { Budget, Policy } from '../types.js'

export function limitsText (policy: Pick<Policy, 'rpm' | 'tpm'>): string {
  const parts = [policy.rpm !== null ? `${num(policy.rpm)} RPM` : '', policy.tpm !== null ? `${num(policy.tpm)} TPM` : ''].filter((p) => p !== '')
  return parts.length === 0 ? t('unlimited') : parts.join(' · ')
}

export function budgetText (budget: Budget | null, currency: string): string {
  if (budget === null) return t('unlimited')
  const parts = [budget.amount !== undefined ? money(budget.amount, currency) : '', budget.tokens !== undefined ? `${num(budget.tokens)} tok` : ''].filter((p) => p !== '')
  return `${parts.join(' · ')} / ${t(budget.period)}`
}
