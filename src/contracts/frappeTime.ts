/**
 * Frappe's datetimes are naive site-local strings ("YYYY-MM-DD HH:MM:SS.ffffff") in the site's
 * zone, America/Toronto. These helpers convert between them and real instants, whatever zone the
 * browser or the server runs in, daylight-saving days included.
 */

export const SITE_TIME_ZONE = 'America/Toronto'

// Created at its first use, not when the module loads: the first Intl formatter of a page starts
// the browser's ICU (~25 ms), which a screen that never converts a zone should not pay.
let partsFormat: Intl.DateTimeFormat | undefined
const sitePartsFormat = (): Intl.DateTimeFormat =>
  (partsFormat ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: SITE_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }))

export interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** The site-local wall clock at an instant. */
export function siteWallClock(instant: Date): WallClock {
  const p: Record<string, number> = {}
  for (const part of sitePartsFormat().formatToParts(instant)) {
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

const DAY_MS = 86_400_000

/**
 * The instant a site-local wall-clock time denotes. In the autumn repeated hour the earlier
 * instant is chosen; a time skipped in spring moves forward by the gap, as clocks do.
 */
export function fromSiteWallClock(w: WallClock, millis = 0): Date {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, millis)
  // The offsets in force a day either side: the zone changes at most once in two days, so a
  // time near a change is read with each offset and the reading that is true is kept.
  const before = siteOffsetMinutes(new Date(naive - DAY_MS))
  const after = siteOffsetMinutes(new Date(naive + DAY_MS))
  const withBefore = naive - before * 60_000
  if (before === after) return new Date(withBefore)
  // Near a change, keep the reading that is true; in the repeated hour both are, and the earlier wins.
  const withAfter = naive - after * 60_000
  const beforeHolds = siteOffsetMinutes(new Date(withBefore)) === before
  const afterHolds = siteOffsetMinutes(new Date(withAfter)) === after
  if (beforeHolds && afterHolds) return new Date(Math.min(withBefore, withAfter))
  if (afterHolds) return new Date(withAfter)
  // Only the old offset holds, or neither (a time skipped in spring): read with the old offset, a
  // skipped time lands as far past the change as it was meant to be past the hour before it.
  return new Date(withBefore)
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/

// Intl costs ~10 µs a call and a board reads tens of thousands of datetimes: the zone's offset
// only changes on the hour, so one conversion per site-local hour is exact.
const hourOffsets = new Map<number, number>()

/**
 * A Frappe date or datetime (site-local, "YYYY-MM-DD[ HH:MM[:SS[.ffffff]]]") as an instant in
 * milliseconds; NaN when absent or malformed (a job booked with no requested time).
 */
export function parseSiteDatetime(value: string | null | undefined): number {
  if (!value) return NaN
  const m = DATETIME.exec(value.trim())
  if (!m) return NaN
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac] = m
  const naiveHour = Date.UTC(+y, +mo - 1, +d, +h)
  let offset = hourOffsets.get(naiveHour)
  if (offset === undefined) {
    offset = fromSiteWallClock({ year: +y, month: +mo, day: +d, hour: +h, minute: 0, second: 0 }).getTime() - naiveHour
    if (hourOffsets.size > 50_000) hourOffsets.clear()
    hourOffsets.set(naiveHour, offset)
  }
  const millis = frac ? Math.floor(Number(frac.padEnd(6, '0')) / 1000) : 0
  return naiveHour + offset + Number(mi) * 60_000 + Number(s) * 1000 + millis
}

/** A Frappe date or datetime (site-local) as a Date; null when malformed. */
export function parseFrappeDatetime(value: string): Date | null {
  const instant = parseSiteDatetime(value)
  return Number.isNaN(instant) ? null : new Date(instant)
}

/** Adds whole site-local days to a "YYYY-MM-DD" date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d + days))
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
}

/** Monday of the site-local week containing a "YYYY-MM-DD" date. */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay()
  return addDays(date, -((weekday + 6) % 7))
}

/** The instant a site-local day starts (midnight, America/Toronto). */
export function startOfSiteDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  return fromSiteWallClock({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0 })
}
