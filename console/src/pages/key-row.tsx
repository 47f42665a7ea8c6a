// One key in the list: its policy and this period's spend, edited in place, revoked after a confirmation.
import { useState } from 'preact/hooks'
import { call } from '../api.js'
import { money, num, time } from '../format.js'
import { t } from '../i18n.js'
import type { KeyView } from '../types.js'
import { PolicyForm, policyBody } from './key-form.js'
import { budgetText, limitsText } from './policy-text.js'

export function KeyRow ({ item, onChanged }: { item: KeyView, onChanged: () => Promise<void> }) {
  const [editing, setEditing] = useState(false)
  const [error, setError] = useState('')
  const path = `/admin/keys/${encodeURIComponent(item.id)}`
  const fromConfig = item.source === 'config'

  const revoke = async () => {
    if (!confirm(t('confirm_revoke', { id: item.id }))) return
    try {
      await call('DELETE', path)
      await onChanged()
    } catch (err) {
      setError(String(err))
    }
  }

  if (editing) {
    const form = (
      <PolicyForm
        initial={item} submitLabel={t('save')} onCancel={() => { setEditing(false) }}
        onSubmit={async (fields) => {
          await call('PATCH', path, policyBody(fields, true))
          setEditing(false)
          await onChanged()
        }}
      />
    )
    return <tr><td colSpan={8}><strong>{item.id}</strong>{form}</td></tr>
  }
  const spend = item.spend
  return (
    <tr data-key={item.id}>
      <td data-label={t('field_id')}><strong>{item.id}</strong>{fromConfig && <small class='tag'>{t('from_config')}</small>}</td>
      <td data-label={t('field_team')}>{item.team}</td>
      <td data-label={t('field_models')}>{item.models?.join(', ') ?? t('all_models')}</td>
      <td data-label={t('limits')}>{limitsText(item)}</td>
      <td data-label={t('budget')}>{budgetText(item.budget, spend?.currency ?? '')}</td>
      <td data-label={t('spend')} data-test='spend'>
        {spend === undefined ? '–' : `${money(spend.amount ?? '0', spend.currency)} · ${num(spend.tokens ?? 0)} tok`}
      </td>
      <td data-label={t('field_expires')}>{time(item.expiresAt)}</td>
      <td class='actions'>
        {!fromConfig && <button class='secondary' onClick={() => { setEditing(true) }} data-test='edit'>{t('edit')}</button>}
        {!fromConfig && <button class='danger' onClick={() => { void revoke() }} data-test='revoke'>{t('revoke')}</button>}
        {error !== '' && <span class='error'>{error}</span>}
      </td>
    </tr>
  )
}
