// One form for creating and editing a key's policy: team, models, limits, budget, expiry.
import { useState } from 'preact/hooks'
import { t } from '../i18n.js'
import type { Budget, Policy } from '../types.js'

type Fields = Record<'id' | 'team' | 'models' | 'rpm' | 'tpm' | 'amount' | 'tokens' | 'period' | 'expires', string>

const fieldsOf = (policy: Partial<Policy>): Fields => ({
  id: '',
  team: policy.team ?? '',
  models: policy.models?.join(', ') ?? '',
  rpm: policy.rpm?.toString() ?? '',
  tpm: policy.tpm?.toString() ?? '',
  amount: policy.budget?.amount?.toString() ?? '',
  tokens: policy.budget?.tokens?.toString() ?? '',
  period: policy.budget?.period ?? 'month',
  expires: policy.expiresAt?.slice(0, 10) ?? ''
})

const int = (value: string) => value.trim() === '' ? null : Number.parseInt(value, 10)

/** The PATCH body (null clears a field); for POST the nulls are dropped. */
export function policyBody (f: Fields, teamField: boolean): Record<string, unknown> {
  const models = f.models.split(',').map((m) => m.trim()).filter((m) => m !== '')
  const budget: Budget | null = f.amount.trim() === '' && f.tokens.trim() === ''
    ? null
    : { period: f.period === 'day' ? 'day' : 'month', ...(f.amount.trim() !== '' ? { amount: Number(f.amount) } : {}), ...(f.tokens.trim() !== '' ? { tokens: int(f.tokens) ?? 0 } : {}) }
  return {
    ...(teamField ? { team: f.team.trim() === '' ? null : f.team.trim() } : {}),
    models: models.length === 0 ? null : models,
    rpm: int(f.rpm),
    tpm: int(f.tpm),
    budget,
    ...(teamField ? { expiresAt: f.expires === '' ? null : new Date(`${f.expires}T23:59:59Z`).toISOString() } : {})
  }
}

export const withoutNulls = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null))

interface Props {
  initial?: Partial<Policy>
  withId?: boolean
  /** Keys have a team and an expiry; teams have neither. */
  keyFields?: boolean
  submitLabel: string
  onSubmit: (fields: Fields) => Promise<void>
  onCancel?: () => void
}

export function PolicyForm ({ initial = {}, withId = false, keyFields = true, submitLabel, onSubmit, onCancel }: Props) {
  const [f, setF] = useState(fieldsOf(initial))
  const [error, setError] = useState('')
  const input = (name: keyof Fields, label: string, type: 'text' | 'number' | 'date' = 'text', placeholder = '') => (
    // Preact types `type` as a union narrowed per literal; the attribute object is the same for all three.
    <label>{label}<input {...({ type, step: type === 'number' ? 'any' : undefined } as { type: 'text' })} name={name} value={f[name]} placeholder={placeholder} onInput={(e) => { setF({ ...f, [name]: e.currentTarget.value }) }} /></label>
  )
  const submit = async (event: Event) => {
    event.preventDefault()
    try {
      setError('')
      await onSubmit(f)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }
  return (
    <form class='policy' onSubmit={(event) => { void submit(event) }}>
      {withId && input('id', t('field_id'), 'text', t('optional'))}
      {keyFields && input('team', t('field_team'), 'text', 'default')}
      {input('models', t('field_models'), 'text', t('all_models'))}
      {input('rpm', 'RPM', 'number')}
      {input('tpm', 'TPM', 'number')}
      {input('amount', t('field_budget_amount'), 'number')}
      {input('tokens', t('field_budget_tokens'), 'number')}
      <label>{t('field_period')}
        <select name='period' value={f.period} onChange={(e) => { setF({ ...f, period: e.currentTarget.value }) }}>
          <option value='month'>{t('month')}</option><option value='day'>{t('day')}</option>
        </select>
      </label>
      {keyFields && input('expires', t('field_expires'), 'date')}
      {error !== '' && <p class='error' role='alert'>{error}</p>}
      <div class='row'>
        <button type='submit' data-test='save'>{submitLabel}</button>
        {onCancel !== undefined && <button type='button' class='secondary' onClick={onCancel}>{t('cancel')}</button>}
      </div>
    </form>
  )
}
