// A new key's secret, shown this once: it lives in this component's memory only, never in storage or a URL.
import { useState } from 'preact/hooks'
import { t } from '../i18n.js'

async function copy (text: string): Promise<void> {
  if (navigator.clipboard !== undefined && isSecureContext) return await navigator.clipboard.writeText(text)
  // Plain-HTTP intranets have no clipboard API: select a temporary field and copy.
  const area = document.createElement('textarea')
  area.value = text
  document.body.append(area)
  area.select()
  document.execCommand('copy')
  area.remove()
}

export function SecretOnce ({ id, secret, onDone }: { id: string, secret: string, onDone: () => void }) {
  const [copied, setCopied] = useState(false)
  return (
    <div class='card secret' role='status'>
      <p><strong>{t('key_created', { id })}</strong> {t('key_shown_once')}</p>
      <code data-test='secret'>{secret}</code>
      <div class='row'>
        <button onClick={() => { void copy(secret).then(() => { setCopied(true) }) }} data-test='copy'>{copied ? t('copied') : t('copy')}</button>
        <button class='secondary' onClick={onDone}>{t('done')}</button>
      </div>
    </div>
  )
}
