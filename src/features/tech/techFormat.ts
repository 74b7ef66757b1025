/**
 * Pure helpers of the technician's screens: times in site time, grouping by day, and the link that
 * opens the tablet's own maps app at the job's address.
 */
import { parseFrappeDatetime, SITE_TIME_ZONE } from '../../contracts/frappeTime'
import { dateFormat } from '../../contracts/intl'
import type { TechJob } from '../../contracts/tech'

/** "08:30" (24-hour, site time) of a Frappe datetime. */
export function clockTime(frappeDatetime: string, locale: string, plusMinutes = 0): string {
  const at = parseFrappeDatetime(frappeDatetime)
  if (!at) return ''
  return dateFormat(locale, {
    timeZone: SITE_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at.getTime() + plusMinutes * 60_000))
}

/** "jeudi 27 novembre" of a "YYYY-MM-DD" site date. */
export function longDate(date: string, locale: string): string {
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
