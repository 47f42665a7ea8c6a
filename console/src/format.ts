// Numbers, money and times as the current language writes them.
import { currentLang } from './i18n.js'

const locale = () => currentLang() === 'zh' ? 'zh-CN' : 'en-GB'

export const num = (value: number | string | null | undefined): string =>
  value === null || value === undefined ? '–' : Number(value).toLocaleString(locale())

/**
 * Money arrives as a decimal string and is never summed here; shown with up to 4 decimals, or 2 significant
 * digits when smaller (a request of a cheap model costs fractions of a fen, which must not read as 0).
 */
export function money (amount: string | number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return '–'
  const value = Number(amount)
  const digits = value !== 0 && Math.abs(value) < 0.01 ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 4 }
  return `${value.toLocaleString(locale(), digits)} ${currency}`
}

export const time = (iso: string | null | undefined): string =>
  iso === null || iso === undefined ? '–' : new Date(iso).toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short' })

export const percent = (ratio: number): string => Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : '–'
