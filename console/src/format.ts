// Numbers, money and times as the current language writes them.
import { currentLang } from './i18n.js'

const locale = () => currentLang() === 'zh' ? 'zh-CN' : 'en-GB'

export const num = (value: number | string | null | undefined): string =>
  value === null || value === undefined ? '–' : Number(value).toLocaleString(locale())

/** Money arrives as a decimal string; shown with up to 4 decimals, never summed here. */
export function money (amount: string | number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return '–'
  return `${Number(amount).toLocaleString(locale(), { maximumFractionDigits: 4 })} ${currency}`
}

export const time = (iso: string | null | undefined): string =>
  iso === null || iso === undefined ? '–' : new Date(iso).toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short' })

export const percent = (ratio: number): string => Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : '–'
