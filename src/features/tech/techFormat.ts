/**
 * Pure helpers of the technician's screens: times in site time, grouping by day, and the link that
 * opens the tablet's own maps app at the job's address.
 */
import { parseFrappeDatetime, SITE_TIME_ZONE } from '../../contracts/frappeTime'
import { dateFormat } from '../../contracts/intl'
import type { TechDay, TechJob } from '../../contracts/tech'

/*
 * The technician's day is written in the app's two languages without Intl: the first formatter a
 * page creates starts the browser's ICU, ~25 ms on a desktop and four times that on a tablet,
 * paid inside the first screen's task. Frappe's datetimes are already the site's wall clock, so
 * the day's times and dates need no zone conversion — except a span that may cross a change of
 * daylight-saving time, which goes through Intl as before. Other locales go through Intl too.
 * Unit tests hold both paths to the same text for every quarter-hour of two years.
 */

const WEEKDAYS: Record<string, readonly string[]> = {
  'fr-CA': ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
  'en-CA': ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
}
const MONTHS: Record<string, readonly string[]> = {
  'fr-CA': [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  'en-CA': [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/
const two = (n: number) => String(n).padStart(2, '0')

/**
 * Whether a site-local span may cross a change of daylight-saving time: the zone's changes fall
 * at night on a Sunday of March, April, October or November (this rule and the older one).
 */
function mayCrossTimeChange(year: number, month: number, day: number, fromMinute: number, toMinute: number): boolean {
  for (let d = day; d <= day + Math.floor(toMinute / 1440); d++) {
    const date = new Date(Date.UTC(year, month - 1, d))
    const m = date.getUTCMonth() + 1
    if (date.getUTCDay() !== 0 || ![3, 4, 10, 11].includes(m)) continue
    const dayStart = (d - day) * 1440
    if (fromMinute < dayStart + 4 * 60 && toMinute >= dayStart) return true
  }
  return false
}

/** "08 h 30" / "08:30" (24-hour, site time) of a Frappe datetime, `plusMinutes` later. */
export function clockTime(frappeDatetime: string, locale: string, plusMinutes = 0): string {
  const wall = WALL_CLOCK.exec(frappeDatetime)
  if (wall && (locale === 'fr-CA' || locale === 'en-CA')) {
    const [year, month, day, hour, minute] = wall.slice(1).map(Number)
    const from = hour * 60 + minute
    const to = from + plusMinutes
    if (plusMinutes >= 0 && !mayCrossTimeChange(year, month, day, from, to)) {
      const at = to % 1440
      const [h, m] = [two(Math.floor(at / 60)), two(at % 60)]
      return locale === 'fr-CA' ? `${h} h ${m}` : `${h}:${m}`
    }
  }
  const at = parseFrappeDatetime(frappeDatetime)
  if (!at) return ''
  return dateFormat(locale, {
    timeZone: SITE_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at.getTime() + plusMinutes * 60_000))
}

/** "jeudi 27 novembre" / "Thursday, November 27" of a "YYYY-MM-DD" site date. */
export function longDate(date: string, locale: string): string {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const weekdays = WEEKDAYS[locale]
  const months = MONTHS[locale]
  if (parts && weekdays && months) {
    const [year, month, day] = parts.slice(1).map(Number)
    const at = new Date(Date.UTC(year, month - 1, day))
    if (at.getUTCMonth() === month - 1 && at.getUTCDate() === day) {
      const weekday = weekdays[at.getUTCDay()]
      return locale === 'fr-CA' ? `${weekday} ${day} ${months[month - 1]}` : `${weekday}, ${months[month - 1]} ${day}`
    }
  }
  const at = parseFrappeDatetime(`${date} 12:00:00`)
  return at
    ? dateFormat(locale, {
        timeZone: SITE_TIME_ZONE,
        weekday: 'long',
        day: 'numeric',
        month: 'long',
      }).format(at)
    : date
}

/** "27 nov., 14 h 05" — when an offline copy was loaded. */
export function loadedAt(iso: string, locale: string): string {
  return dateFormat(locale, {
    timeZone: SITE_TIME_ZONE,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso))
}

export function jobsOn(jobs: readonly TechJob[], date: string): TechJob[] {
  return jobs.filter((j) => j.scheduled_start.startsWith(date))
}

/**
 * The jobs a newer read of the day brought, and those it no longer has (given to someone else,
 * cancelled, moved past tomorrow). Nothing between two days of different technicians or dates.
 */
export function dayChanges(before: TechDay | null, after: TechDay | null): { added: string[]; removed: string[] } {
  if (!before || !after || before.technician !== after.technician || before.today !== after.today)
    return { added: [], removed: [] }
  const was = new Set(before.jobs.map((j) => j.name))
  const now = new Set(after.jobs.map((j) => j.name))
  return {
    added: after.jobs.filter((j) => !was.has(j.name)).map((j) => j.name),
    removed: before.jobs.filter((j) => !now.has(j.name)).map((j) => j.name),
  }
}

/**
 * A link the tablet hands to its maps app: `geo:` on Android (any installed maps app answers it),
 * Apple Plans on iPad, Google Maps directions elsewhere. Coordinates when known, else the address.
 */
export function mapsLink(job: Pick<TechJob, 'address' | 'latitude' | 'longitude'>, userAgent: string): string | null {
  const hasPoint = job.latitude != null && job.longitude != null
  if (!hasPoint && !job.address) return null
  const point = hasPoint ? `${job.latitude},${job.longitude}` : ''
  const query = encodeURIComponent(job.address ?? point)
  if (/Android/i.test(userAgent)) return hasPoint ? `geo:${point}?q=${point}(${query})` : `geo:0,0?q=${query}`
  if (/iPad|iPhone|Macintosh.*Mobile/i.test(userAgent))
    return `https://maps.apple.com/?daddr=${hasPoint ? point : query}`
  return `https://www.google.com/maps/dir/?api=1&destination=${hasPoint ? point : query}`
}

/** The status buttons a technician may press next, in the order of the day's work. */
export const STATUS_FLOW = ['En Route', 'In Progress', 'Completed'] as const
export type FlowStatus = (typeof STATUS_FLOW)[number]

export function nextStatuses(current: string): FlowStatus[] {
  if (current === 'Completed' || current === 'Cancelled') return []
  const at = STATUS_FLOW.indexOf(current as FlowStatus)
  return STATUS_FLOW.slice(at + 1)
}
