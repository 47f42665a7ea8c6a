// Chinese and English; the browser's language by default, the user's choice remembered (not a secret).
import { en } from './i18n-en.js'
import { zh } from './i18n-zh.js'

export type Lang = 'en' | 'zh'
export type Text = keyof typeof en
const dictionaries: Record<Lang, Record<Text, string>> = { en, zh }

function initial (): Lang {
  const saved = localStorage.getItem('qiao.lang')
  if (saved === 'en' || saved === 'zh') return saved
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en'
}

let lang: Lang = initial()
document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'

export const currentLang = (): Lang => lang

export function setLang (next: Lang): void {
  lang = next
  localStorage.setItem('qiao.lang', next)
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en'
}

/** The text for `key`, with `{name}` placeholders filled from `values`. */
export function t (key: Text, values: Record<string, string | number> = {}): string {
  return dictionaries[lang][key].replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name] ?? ''))
}
