// Providers: health per provider (circuits, in flight, queued, failures by class, latency) and a one-call test.
import { useEffect, useState } from 'preact/hooks'
import { get } from '../api.js'
import { chat, type ChatOutcome } from '../chat.js'
import { num } from '../format.js'
import { t } from '../i18n.js'
import type { ProviderStats, Stats } from './stats-types.js'

const ms = (s: number | null) => s === null ? '–' : `${Math.round(s * 1000)} ms`

export function ProvidersPage () {
  const [stats, setStats] = useState<Stats | undefined>(undefined)
  useEffect(() => { void get<Stats>('/admin/stats').then(setStats) }, [])
  if (stats === undefined) return <p>{t('loading')}</p>
  return (
    <section>
      <h2>{t('providers')}</h2>
      {stats.providers.map((provider) => <ProviderCard key={provider.id} provider={provider} />)}
      <p class='hint'>{t('latency_note')}</p>
    </section>
  )
}

function ProviderCard ({ provider }: { provider: ProviderStats }) {
  const [model, setModel] = useState(provider.models[0] ?? '')
  const [result, setResult] = useState<ChatOutcome | 'running' | undefined>(undefined)
  const open = provider.circuits.filter((c) => c.state !== 'closed')
  const failures = Object.entries(provider.failures)
  const test = async () => {
    setResult('running')
    setResult(await chat(`${provider.id}/${model}`, 'Say "ok".', { stream: false, maxTokens: 16 }))
  }
  return (
    <div class='card' data-provider={provider.id}>
      <div class='title-row'>
        <h3>{provider.id} <small class='tag'>{provider.type}</small></h3>
        <span class={open.length === 0 ? 'ok' : 'bad'}>{open.length === 0 ? t('healthy') : `${t('circuit_open')}: ${open.map((c) => `${c.target} (${c.state})`).join(', ')}`}</span>
      </div>
      <dl class='facts'>
        <dt>{t('in_flight')}</dt><dd>{num(provider.in_flight)} · {t('queued')} {num(provider.queued)}</dd>
        <dt>{t('requests')}</dt><dd>{num(provider.requests)}</dd>
        <dt>{t('failures')}</dt><dd>{failures.length === 0 ? '–' : failures.map(([name, count]) => `${name}: ${count}`).join(', ')}</dd>
        <dt>{t('latency')}</dt><dd>{ms(provider.latency.p50)} / {ms(provider.latency.p95)}</dd>
        <dt>{t('models')}</dt><dd>{provider.models.join(', ') || '–'}</dd>
      </dl>
      {provider.models.length > 0 && (
        <div class='row'>
          <select value={model} onChange={(e) => { setModel(e.currentTarget.value) }} style='width:auto'>{provider.models.map((m) => <option key={m}>{m}</option>)}</select>
          <button class='secondary' onClick={() => { void test() }} disabled={result === 'running'} data-test='test'>{t('test')}</button>
          {result !== undefined && result !== 'running' && (
            <span class={result.error === undefined ? 'ok' : 'bad'} data-test='test-result'>
              {result.error ?? `${result.text} (${result.provider}, ${result.requestId})`}
            </span>
          )}
        </div>
      )}
    </div>
  )
}
