// Settings: the effective configuration, read-only; the server has already replaced every secret.
import { useEffect, useState } from 'preact/hooks'
import { get } from '../api.js'
import { t } from '../i18n.js'

export function SettingsPage () {
  const [config, setConfig] = useState<Record<string, unknown> | undefined>(undefined)
  useEffect(() => { void get<Record<string, unknown>>('/admin/config').then(setConfig) }, [])
  if (config === undefined) return <p>{t('loading')}</p>
  return (
    <section>
      <h2>{t('settings')}</h2>
      <p class='hint'>{t('settings_note')}</p>
      {Object.entries(config).map(([section, value]) => (
        <div class='card' key={section}>
          <h3>{section}</h3>
          <pre class='config' data-test={`config-${section}`}>{JSON.stringify(value, null, 2)}</pre>
        </div>
      ))}
    </section>
  )
}
