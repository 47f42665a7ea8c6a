// Providers: health per provider (circuits, in flight, queued, failures by class, latency) and a one-call test,
// and Redis: how it is run and each node's state.
import { useEffect, useState } from 'preact/hooks'
import { get } from '../api.js'
import { chat, type ChatOutcome } from '../chat.js'
import { num } from '../format.js'
import { t } from '../i18n.js'
import type { ProviderStats, RedisStats, Stats } from './stats-types.js'

const ms = (s: number | null) => s === null ? '–' : `${Math.round(s * 1000)} ms`

export function ProvidersPage () {
  const [stats, setStats] = useState<Stats | undefined>(undefined)
  useEffect(() => { void get<Stats>('/admin/stats').then(setStats) }, [])
  if (stats === undefined) return <p>{t('loading')}</p>
  return (
    <section>
      <h2>{t('providers')}</h2>
      {stats.providers.map((provider) => <ProviderCard key={provider.id} provider={provider} />)}
      <RedisCard redis={stats.redis} />
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

const TOPOLOGY = { server: 'redis_server', cluster: 'redis_cluster', sentinel: 'redis_sentinel' } as const
const ROLE = { master: 'redis_role_master', replica: 'redis_role_replica', sentinel: 'redis_role_sentinel' } as const
const STATE = { up: 'redis_up', down: 'redis_down' } as const

function RedisCard ({ redis }: { redis: RedisStats | null }) {
  if (redis === null) {
    return (
      <div class='card' data-test='redis'>
        <div class='title-row'><h3>Redis <small class='tag'>{t('redis_not_configured')}</small></h3></div>
        <p class='hint'>{t('redis_none')}</p>
      </div>
    )
  }
  return (
    <div class='card' data-test='redis'>
      <div class='title-row'>
        <h3>Redis</h3>
        <span class={redis.state === 'up' ? 'ok' : 'bad'}>{t(STATE[redis.state])}</span>
      </div>
      <dl class='facts'>
        <dt>{t('redis_topology')}</dt><dd>{t(TOPOLOGY[redis.topology])}</dd>
        {redis.name !== undefined && <><dt>{t('redis_master_name')}</dt><dd>{redis.name}</dd></>}
      </dl>
      {redis.nodes.length > 0 && (
        <table class='cards nodes'>
          <thead><tr><th>{t('redis_address')}</th><th>{t('redis_role')}</th><th>{t('redis_state')}</th></tr></thead>
          <tbody>{redis.nodes.map((node) => (
            <tr key={`${node.role} ${node.address}`} data-node={node.address}>
              <td data-label={t('redis_address')}><code>{node.address}</code></td>
              <td data-label={t('redis_role')}>{t(ROLE[node.role])}</td>
              <td data-label={t('redis_state')} class={node.state === 'up' ? 'ok' : 'bad'}>{t(STATE[node.state])}</td>
            </tr>
          ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
