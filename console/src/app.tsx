// The shell: who is signed in, the navigation (by role), the language switch and the current page.
import { useEffect, useState } from 'preact/hooks'
import { ApiError, call, get } from './api.js'
import { currentLang, setLang, t, type Text } from './i18n.js'
import { SignIn } from './sign-in.js'
import type { Me } from './types.js'
import { PAGES, pagesFor, type Page } from './pages/index.js'

function pageFromHash (): Page | undefined {
  const name = location.hash.replace(/^#\/?/, '')
  return PAGES.find((page) => page.name === name)
}

export function App () {
  const [me, setMe] = useState<Me | null | undefined>(undefined)
  const [page, setPage] = useState(pageFromHash())
  const [, setLangState] = useState(currentLang())

  const refresh = () => {
    get<Me>('/admin/me').then(setMe, (err: unknown) => {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setMe(null)
      else setMe(null)
    })
  }
  useEffect(refresh, [])
  useEffect(() => {
    const onHash = () => { setPage(pageFromHash()) }
    addEventListener('hashchange', onHash)
    return () => { removeEventListener('hashchange', onHash) }
  }, [])

  const switchLang = () => {
    const next = currentLang() === 'zh' ? 'en' : 'zh'
    setLang(next)
    setLangState(next)
  }
  const signOut = async () => {
    await call('DELETE', '/console/session')
    setMe(null)
  }

  const langButton = <button class='link' onClick={switchLang} data-test='lang'>{currentLang() === 'zh' ? 'English' : '中文'}</button>
  if (me === undefined) return <main class='center'>{t('loading')}</main>
  if (me === null) return <SignIn onSignedIn={refresh} langButton={langButton} />

  const pages = pagesFor(me.role)
  const current = page !== undefined && pages.includes(page) ? page : pages[0]
  if (current === undefined) return null
  const Body = current.component
  return (
    <div class='shell'>
      <header>
        <strong class='brand'>qiao</strong>
        <nav>
          {pages.map((p) => <a key={p.name} href={`#/${p.name}`} class={p === current ? 'active' : ''}>{t(p.name as Text)}</a>)}
        </nav>
        <span class='who'>{me.role === 'master' ? t('role_master') : t('role_member', { id: me.key?.id ?? '' })}</span>
        {langButton}
        <button class='link' onClick={() => { void signOut() }} data-test='sign-out'>{t('sign_out')}</button>
      </header>
      <main><Body me={me} /></main>
    </div>
  )
}
