/**
 * Dates and durations as the dispatcher reads them: site-local (America/Toronto), 24-hour clock,
 * fr-CA or en-CA. Formatters are built once (contracts/intl.ts): Intl objects are costly to create.
 */
import { parseSiteDatetime, SITE_TIME_ZONE } from '../../contracts/frappeTime'
import { dateFormat } from '../../contracts/intl'

const WHEN: Intl.DateTimeFormatOptions = {
  timeZone: SITE_TIME_ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
}

const whenFormat = (locale: string) => dateFormat(locale === 'en' ? 'en-CA' : 'fr-CA', WHEN)

/** "ven. 27 nov., 10:00" for an instant. */
export function formatWhen(instant: number, locale: string): string {
  return Number.isFinite(instant) ? whenFormat(locale).format(new Date(instant)) : '—'
}

/** "45 min", "3 h", "2 j" since a Frappe datetime. */
export function formatAge(creation: string | undefined, now: number, locale: string): string {
  const since = parseSiteDatetime(creation)
  if (!Number.isFinite(since)) return '—'
  const minutes = Math.max(0, Math.round((now - since) / 60_000))
  if (minutes < 60) return `${minutes} min`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} h`
  return `${Math.round(hours / 24)} ${locale === 'en' ? 'd' : 'j'}`
}
