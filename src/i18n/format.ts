/**
 * Dates, money and signal levels as the staff read them: fr-CA (or en-CA), times in
 * America/Toronto whatever the browser's zone, a real minus sign before negative dBm.
 */
import { parseFrappeDatetime, SITE_TIME_ZONE } from '../contracts/frappeTime'
import { dateFormat, numberFormat, relativeFormat } from '../contracts/intl'

const MINUS = '\u2212'
const withMinus = (s: string) => s.replace(/^-/, MINUS).replace(/^\+?-/, MINUS)

/** Frappe strings are site-local; ISO strings carry their zone. */
export function toInstant(value: string): Date | null {
  if (/[zZ]|[+-]\d\d:\d\d$/.test(value)) {
    const d = new Date(value)
    return Number.isNaN(d.getTime()) ? null : d
  }
  return parseFrappeDatetime(value)
}

export function relativeTime(value: string, locale: string, now = Date.now()): string {
  const at = toInstant(value)
  if (!at) return value
  const seconds = Math.round((at.getTime() - now) / 1000)
  const abs = Math.abs(seconds)
  const rtf = relativeFormat(locale, { numeric: 'auto' })
  if (abs < 45) return rtf.format(0, 'second')
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour')
  if (abs < 30 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day')
  if (abs < 365 * 86_400) return rtf.format(Math.round(seconds / (30 * 86_400)), 'month')
  return rtf.format(Math.round(seconds / (365 * 86_400)), 'year')
}

/** "12 nov." (or "12 nov. 2025" when not this year). */
export function shortDate(value: string, locale: string, now = new Date()): string {
  const at = toInstant(value)
  if (!at) return value
  const sameYear = at.getFullYear() === now.getFullYear()
  return dateFormat(locale, {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    timeZone: SITE_TIME_ZONE,
  }).format(at)
}

/** "27 nov. 2026, 14 h 05" style, 24-hour clock. */
export function dateTime(value: string, locale: string): string {
  const at = toInstant(value)
  if (!at) return value
  return dateFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    hourCycle: 'h23',
    timeZone: SITE_TIME_ZONE,
  }).format(at)
}

export function money(amount: number, locale: string, currency = 'CAD'): string {
  return numberFormat(locale, { style: 'currency', currency }).format(amount)
}

/** "−19,4 dBm" */
export function dbm(value: number, locale: string): string {
  return `${withMinus(numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value))} dBm`
}

/** "−0,6" / "+0,3": a change in dB, always signed. */
export function signedDb(value: number, locale: string): string {
  return withMinus(
    numberFormat(locale, {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
      signDisplay: 'exceptZero',
    }).format(value),
  )
}
