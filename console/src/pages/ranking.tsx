// The busiest keys or models of a window, by tokens, with their requests and cost.
import { money, num } from '../format.js'
import { t } from '../i18n.js'
import type { UsageReport } from '../types.js'
import { top } from '../usage-data.js'

export function Ranking ({ title, dimension, report }: { title: string, dimension: 'key' | 'model', report: UsageReport }) {
  const rows = top(report.series, 'total_tokens')
  return (
    <div class='chart'>
      <h3>{title}</h3>
      {rows.length === 0
        ? <p class='empty'>{t('no_usage')}</p>
        : (
          <table>
            <thead><tr><th>{t(dimension === 'key' ? 'key' : 'model')}</th><th class='num'>{t('requests')}</th><th class='num'>{t('tokens')}</th><th class='num'>{t('cost')}</th></tr></thead>
            <tbody>{rows.map((row) => (
              <tr key={String(row[dimension])}><td>{String(row[dimension])}</td><td class='num'>{num(row['requests'])}</td><td class='num'>{num(row['total_tokens'])}</td><td class='num'>{money(row['cost'], report.currency)}</td></tr>
            ))}
            </tbody>
          </table>
          )}
    </div>
  )
}
