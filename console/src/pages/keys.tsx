// Keys: the master lists, creates (the secret shown once), edits and revokes them; a member sees their own.
import { useEffect, useState } from 'preact/hooks'
import { call, get } from '../api.js'
import { t } from '../i18n.js'
import type { KeyView, Me } from '../types.js'
import { OwnKey } from './own-key.js'
import { KeyRow } from './key-row.js'
import { PolicyForm, policyBody, withoutNulls } from './key-form.js'
import { SecretOnce } from './secret-once.js'

export function KeysPage ({ me }: { me: Me }) {
  if (me.role === 'member') return <OwnKey me={me} />
  return <AllKeys />
}

function AllKeys () {
  const [keys, setKeys] = useState<KeyView[] | undefined>(undefined)
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<{ id: string, key: string } | undefined>(undefined)
  const [error, setError] = useState('')

  const load = async () => {
    try {
      const list = await get<{ data: KeyView[] }>('/admin/keys')
      // This period's spend is per key (GET /admin/keys/:id).
      setKeys(await Promise.all(list.data.map(async (key) => await get<KeyView>(`/admin/keys/${encodeURIComponent(key.id)}`))))
    } catch (err) {
      setError(String(err))
    }
  }
  useEffect(() => { void load() }, [])

  return (
    <section>
      <div class='title-row'>
        <h2>{t('keys')}</h2>
        <button onClick={() => { setCreating(!creating); setCreated(undefined) }} data-test='new-key'>{t('new_key')}</button>
      </div>
      {error !== '' && <p class='error'>{error}</p>}
      {created !== undefined && <SecretOnce id={created.id} secret={created.key} onDone={() => { setCreated(undefined) }} />}
      {creating && (
        <div class='card'>
          <PolicyForm
            withId submitLabel={t('create')} onCancel={() => { setCreating(false) }}
            onSubmit={async (fields) => {
              const body = { ...(fields.id.trim() !== '' ? { id: fields.id.trim() } : {}), ...withoutNulls(policyBody(fields, true)) }
              setCreated(await call<{ id: string, key: string }>('POST', '/admin/keys', body))
              setCreating(false)
              await load()
            }}
          />
        </div>
      )}
      {keys === undefined
        ? <p>{t('loading')}</p>
        : keys.length === 0
          ? <p class='empty'>{t('no_keys')}</p>
          : (
            <div class='table-wrap'>
              <table class='cards' data-test='keys'>
                <thead><tr><th>{t('field_id')}</th><th>{t('field_team')}</th><th>{t('field_models')}</th><th>{t('limits')}</th><th>{t('budget')}</th><th>{t('spend')}</th><th>{t('field_expires')}</th><th /></tr></thead>
                <tbody>{keys.map((key) => <KeyRow key={key.id} item={key} onChanged={load} />)}</tbody>
              </table>
            </div>
            )}
    </section>
  )
}
