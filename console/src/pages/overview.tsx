// Overview: requests, tokens, cost, errors and the embedding cache over a window, live latency, busiest keys and models.
import { useEffect, useState } from 'preact/hooks'
import { get } from '../api.js'
import { TimeChart } from '../chart.js'
import { money, num, percent } from '../format.js'
import { t } from '../i18n.js'
import type { UsageReport } from '../types.js'
import { columns, usage, windowOf, type Range } from '../usage-data.js'
import { RangePicker } from './range-picker.js'
import { Ranking } from './ranking.js'
import type { Stats } from './stats-types.js'

interface Data { series: UsageReport, keys: UsageReport, models: UsageReport, stats: Stats }

const seconds = (value: number | null) => value === null ? '–' : value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`

export function OverviewPage () {
  const [range, setRange] = useState<Range>('24h')
  const [data, setData] = useState<Data | undefined>(undefined)
  useEffect(() => {
    const w = windowOf(range)
    const span = { from: w.from, to: w.to }
    void Promise.all([
      usage({ ...span, group_by: w.step }), usage({ ...span, group_by: 'key' }), usage({ ...span, group_by: 'model' }), get<Stats>('/admin/stats')
    ]).then(([series, keys, models, stats]) => { setData({ series, keys, models, stats }) })
  }, [range])
  if (data === undefined) return <p>{t('loading')}</p>
  const { totals, currency } = data.series
  const requests = Number(totals['requests'] ?? 0)
  const cache = data.stats.embedding_cache
  const cols = columns(data.series.series, ['requests', 'errors', 'total_tokens', 'cost', 'saved_cost'], windowOf(range))
  return (
    <section>
      <div class='title-row'><h2>{t('overview')}</h2><RangePicker value={range} onChange={setRange} /></div>
      <div class='stats' data-test='stats'>
        <Stat label={t('requests')} value={num(requests)} />
        <Stat label={t('tokens')} value={num(totals['total_tokens'])} />
        <Stat label={t('cost')} value={money(totals['cost'], currency)} />
        <Stat label={t('error_rate')} value={requests === 0 ? '–' : percent(Number(totals['errors'] ?? 0) / requests)} />
        <Stat label={t('cache_hit_rate')} value={percent(cache.hits / (cache.hits + cache.misses))} />
        <Stat label={t('saved')} value={money(totals['saved_cost'], currency)} />
        <Stat label={t('latency')} value={`${seconds(data.stats.latency.p50)} / ${seconds(data.stats.latency.p95)}`} />
        <Stat label={t('ttft')} value={`${seconds(data.stats.time_to_first_token.p50)} / ${seconds(data.stats.time_to_first_token.p95)}`} />
      </div>
      <div class='charts'>
        <TimeChart title={t('requests')} x={cols.x} lines={[{ label: t('requests'), values: cols.values['requests'] ?? [], color: '#2f6fed' }, { label: t('errors'), values: cols.values['errors'] ?? [], color: '#c0362c' }]} />
        <TimeChart title={t('tokens')} x={cols.x} lines={[{ label: t('tokens'), values: cols.values['total_tokens'] ?? [], color: '#7a4fd6' }]} />
        <TimeChart title={`${t('cost')} (${currency})`} x={cols.x} lines={[{ label: t('cost'), values: cols.values['cost'] ?? [], color: '#1f8a4c' }, { label: t('saved'), values: cols.values['saved_cost'] ?? [], color: '#d08a1c' }]} />
      </div>
      <div class='charts'>
        <Ranking title={t('busiest_keys')} dimension='key' report={data.keys} />
        <Ranking title={t('busiest_models')} dimension='model' report={data.models} />
      </div>
      <p class='hint'>{t('latency_note')}</p>
    </section>
  )
}

const Stat = ({ label, value }: { label: string, value: string }) => <div class='stat'><span>{label}</span><b>{value}</b></div>
