/**
 * Frappe's datetimes are naive site-local strings ("YYYY-MM-DD HH:MM:SS.ffffff") in the site's
 * zone, America/Toronto. These helpers convert between them and real instants, whatever zone the
 * browser or the server runs in, daylight-saving days included.
 */

export const SITE_TIME_ZONE = 'America/Toronto'

const partsFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: SITE_TIME_ZONE,
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
})

export interface WallClock { year: number; month: number; day: number; hour: number; minute: number; second: number }

/** The site-local wall clock at an instant. */
export function siteWallClock(instant: Date): WallClock {
  const p: Record<string, number> = {}
  for (const part of partsFormat.formatToParts(instant)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value)
  }
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** "YYYY-MM-DD HH:MM:SS.ffffff" in the site's zone. */
export function toFrappeDatetime(instant: Date): string {
  const w = siteWallClock(instant)
  const micros = pad(instant.getUTCMilliseconds() * 1000, 6)
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${micros}`
}

/** "YYYY-MM-DD" of the site-local day containing the instant. */
export function toFrappeDate(instant: Date): string {
  const w = siteWallClock(instant)
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`
}

/** Offset of the site zone from UTC at an instant, in minutes (e.g. -300 in winter). */
export function siteOffsetMinutes(instant: Date): number {
  const w = siteWallClock(instant)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000)
}

/**
 * The instant a site-local wall-clock time denotes. In the autumn repeated hour the earlier
 * instant is chosen; a time skipped in spring moves forward by the gap, as clocks do.
 */
export function fromSiteWallClock(w: WallClock, millis = 0): Date {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, millis)
  const first = naive - siteOffsetMinutes(new Date(naive)) * 60_000
  const second = naive - siteOffsetMinutes(new Date(first)) * 60_000
  return new Date(Math.min(first, second))
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/

/** Parses a Frappe date or datetime string (site-local) into an instant; null when malformed. */
export function parseFrappeDatetime(value: string): Date | null {
  const m = DATETIME.exec(value.trim())
  if (!m) return null
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m
  const millis = Math.floor(Number(frac.padEnd(6, '0')) / 1000)
  return fromSiteWallClock(
    { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +s },
    millis,
  )
}

/** Adds whole site-local days to a "YYYY-MM-DD" date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d + days))
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
}

/** The instant a site-local day starts (midnight, America/Toronto). */
export function startOfSiteDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  return fromSiteWallClock({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0 })
}
