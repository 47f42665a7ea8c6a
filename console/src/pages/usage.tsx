// Usage: filter by key, team, model and time; totals, a chart and the table; CSV of the same query.
import { useEffect, useState } from 'preact/hooks'
import { query } from '../api.js'
import { TimeChart } from '../chart.js'
import { money, num } from '../format.js'
import { t, type Text } from '../i18n.js'
import type { Me, UsageReport } from '../types.js'
import { columns, usage, windowOf, type Range } from '../usage-data.js'
import { RangePicker } from './range-picker.js'

const COUNTS = ['requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'errors', 'cached_inputs'] as const
const MONEY = ['cost', 'saved_cost'] as const
const LABELS: Record<typeof COUNTS[number] | typeof MONEY[number], Text> = {
  requests: 'requests', prompt_tokens: 'prompt_tokens', completion_tokens: 'completion_tokens', total_tokens: 'tokens', errors: 'errors', cached_inputs: 'cached_inputs', cost: 'cost', saved_cost: 'saved'
}
const isMoney = (m: string): boolean => (MONEY as readonly string[]).includes(m)

export function UsagePage ({ me }: { me: Me }) {
  const [range, setRange] = useState<Range>('24h')
  const [filters, setFilters] = useState({ key: '', team: '', model: '' })
  const [report, setReport] = useState<UsageReport | undefined>(undefined)
  const w = windowOf(range)
  const params = { from: w.from, to: w.to, group_by: `${w.step},key,model`, ...filters }
  useEffect(() => { void usage(params).then(setReport) }, [range, filters])

  const filter = (name: 'key' | 'team' | 'model') => (
    <label>{t(name === 'key' ? 'key' : name === 'team' ? 'field_team' : 'model')}
      <input name={`filter-${name}`} value={filters[name]} onChange={(e) => { setFilters({ ...filters, [name]: e.currentTarget.value.trim() }) }} />
    </label>
  )
  const cols = report === undefined ? undefined : columns(report.series, ['requests', 'total_tokens'], w)
  return (
    <section>
      <div class='title-row'>
        <h2>{t('usage')}</h2>
        <RangePicker value={range} onChange={setRange} />
      </div>
      <div class='filters'>
        {me.role === 'master' && filter('key')}
        {me.role === 'master' && filter('team')}
        {filter('model')}
        <a class='button' href={`/admin/usage${query({ ...params, format: 'csv' })}`} download='usage.csv' data-test='csv'>{t('export_csv')}</a>
      </div>
      {report === undefined
        ? <p>{t('loading')}</p>
        : (
          <>
            <div class='stats' data-test='usage-totals'>
              {[...COUNTS, ...MONEY].map((m) => <div class='stat' key={m}><span>{t(LABELS[m])}</span><b>{isMoney(m) ? money(report.totals[m], report.currency) : num(report.totals[m])}</b></div>)}
            </div>
            {cols !== undefined && <TimeChart title={t('usage')} x={cols.x} lines={[{ label: t('requests'), values: cols.values['requests'] ?? [], color: '#2f6fed' }, { label: t('tokens'), values: cols.values['total_tokens'] ?? [], color: '#7a4fd6' }]} />}
            <div class='table-wrap'>
              <table class='cards' data-test='usage'>
                <thead><tr><th>{t('time')}</th><th>{t('key')}</th><th>{t('model')}</th><th class='num'>{t('requests')}</th><th class='num'>{t('tokens')}</th><th class='num'>{t('errors')}</th><th class='num'>{t('cost')}</th></tr></thead>
                <tbody>{report.series.map((row, i) => (
                  <tr key={i}>
                    <td data-label={t('time')}>{String(row[w.step] ?? '')}</td><td data-label={t('key')}>{String(row['key'])}</td><td data-label={t('model')}>{String(row['model'])}</td>
                    <td class='num' data-label={t('requests')}>{num(row['requests'])}</td><td class='num' data-label={t('tokens')}>{num(row['total_tokens'])}</td>
                    <td class='num' data-label={t('errors')}>{num(row['errors'])}</td><td class='num' data-label={t('cost')}>{money(row['cost'], report.currency)}</td>
                  </tr>
                ))}
                </tbody>
              </table>
            </div>
          </>
          )}
    </section>
  )
}
