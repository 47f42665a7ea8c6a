// A member's own key: its limits, budget, this period's spend and the models it may use (never its secret).
import { useEffect, useState } from 'preact/hooks'
import { get } from '../api.js'
import { money, num, time } from '../format.js'
import { t } from '../i18n.js'
import type { Me } from '../types.js'
import { budgetText, limitsText } from './policy-text.js'

export function OwnKey ({ me }: { me: Me }) {
  const [models, setModels] = useState<string[]>([])
  useEffect(() => {
    void get<{ data: Array<{ id: string }> }>('/v1/models').then((list) => { setModels(list.data.map((m) => m.id)) })
  }, [])
  const key = me.key
  if (key === undefined) return null
  const spend = key.spend
  return (
    <section>
      <h2>{t('my_key')}</h2>
      <dl class='card facts' data-test='own-key'>
        <dt>{t('field_id')}</dt><dd>{key.id}</dd>
        <dt>{t('field_team')}</dt><dd>{key.team}</dd>
        <dt>{t('limits')}</dt><dd>{limitsText(key)}</dd>
        <dt>{t('budget')}</dt><dd>{budgetText(key.budget, spend?.currency ?? '')}</dd>
        <dt>{t('spend')}</dt><dd>{spend === undefined ? '–' : `${money(spend.amount ?? '0', spend.currency)} · ${num(spend.tokens ?? 0)} tok`}</dd>
        <dt>{t('field_expires')}</dt><dd>{time(key.expiresAt)}</dd>
      </dl>
      <h3>{t('models')}</h3>
      <ul class='chips' data-test='models'>{models.map((id) => <li key={id}>{id}</li>)}</ul>
    </section>
  )
}
