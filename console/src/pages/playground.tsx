// Playground: a chat with a model the signed-in key may use, streamed as it arrives, with what the gateway did.
import { useEffect, useState } from 'preact/hooks'
import { get } from '../api.js'
import { chat, type ChatOutcome } from '../chat.js'
import { t } from '../i18n.js'

export function PlaygroundPage () {
  const [models, setModels] = useState<string[]>([])
  const [model, setModel] = useState('')
  const [prompt, setPrompt] = useState('')
  const [stream, setStream] = useState(true)
  const [text, setText] = useState('')
  const [outcome, setOutcome] = useState<ChatOutcome | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    void get<{ data: Array<{ id: string }> }>('/v1/models').then((list) => {
      setModels(list.data.map((m) => m.id))
      setModel(list.data[0]?.id ?? '')
    })
  }, [])
  const send = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setText('')
    setOutcome(undefined)
    const result = await chat(model, prompt, { stream, onText: setText })
    setText(result.text)
    setOutcome(result)
    setBusy(false)
  }
  return (
    <section>
      <h2>{t('playground')}</h2>
      <form class='card' onSubmit={(event) => { void send(event) }}>
        <div class='filters'>
          <label>{t('model')}<select name='model' value={model} onChange={(e) => { setModel(e.currentTarget.value) }}>{models.map((m) => <option key={m}>{m}</option>)}</select></label>
          <label class='row'><input type='checkbox' checked={stream} style='width:auto' onChange={(e) => { setStream(e.currentTarget.checked) }} />{t('stream')}</label>
        </div>
        <label>{t('message')}<textarea name='prompt' rows={3} value={prompt} onInput={(e) => { setPrompt(e.currentTarget.value) }} required /></label>
        <div class='row' style='margin-top:8px'><button type='submit' disabled={busy || model === ''} data-test='send'>{t('send')}</button></div>
      </form>
      <pre class='answer' data-test='answer'>{outcome?.error ?? text}</pre>
      {outcome !== undefined && (
        <dl class='facts' data-test='call-facts'>
          <dt>{t('request_id')}</dt><dd>{outcome.requestId}</dd>
          <dt>{t('provider')}</dt><dd>{outcome.provider} {outcome.model}</dd>
          <dt>{t('attempts')}</dt><dd>{outcome.attempts || '–'}</dd>
          <dt>{t('tokens')}</dt><dd>{outcome.tokens ?? '–'}</dd>
          <dt>{t('cost')}</dt><dd data-test='cost'>{outcome.cost !== '' ? outcome.cost : t('cost_in_usage')}</dd>
        </dl>
      )}
    </section>
  )
}
