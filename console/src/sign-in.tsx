// The key goes in the request body once; the answer is an HttpOnly cookie the page cannot read.
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { ApiError, call } from './api.js'
import { t } from './i18n.js'

export function SignIn ({ onSignedIn, langButton }: { onSignedIn: () => void, langButton: ComponentChildren }) {
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    const form = event.currentTarget as HTMLFormElement
    const input = form.elements.namedItem('key') as HTMLInputElement
    setBusy(true)
    try {
      await call('POST', '/console/session', { key: input.value })
      input.value = ''
      onSignedIn()
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('sign_in_failed') : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main class='center'>
      <form class='card sign-in' onSubmit={(event) => { void submit(event) }}>
        <h1>qiao <small>{t('console')}</small></h1>
        <label>{t('sign_in_key')}
          <input name='key' type='password' autocomplete='off' required data-test='key' />
        </label>
        <p class='hint'>{t('sign_in_hint')}</p>
        {error !== '' && <p class='error' role='alert'>{error}</p>}
        <div class='row'><button type='submit' disabled={busy} data-test='sign-in'>{t('sign_in')}</button>{langButton}</div>
      </form>
    </main>
  )
}
