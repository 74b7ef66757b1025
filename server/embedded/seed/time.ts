/**
 * Site-local dates and datetimes for the generator. Everything is relative to `now` and expressed in
 * America/Toronto through the frappeTime helpers; formatting is memoised per UTC hour because the
 * large profile formats ~10⁶ timestamps and Intl costs ~10 µs a call.
 */
import { addDays, fromSiteWallClock, siteOffsetMinutes, toFrappeDate } from '../../../src/contracts/frappeTime'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const TIMES: string[] = []
/** " HH:MM:SS" for a second of the day, built once. */
function timeOfDay(second: number): string {
  return (TIMES[second] ??=
    ` ${pad(Math.floor(second / 3600))}:${pad(Math.floor(second / 60) % 60)}:${pad(second % 60)}`)
}
const MICROS: string[] = []
/** ".ffffff" for a millisecond: Frappe keeps microseconds, ours are whole milliseconds. */
function micros(ms: number): string {
  return (MICROS[ms] ??= `.${pad(ms * 1000, 6)}`)
}

/** Marks a UTC day on which the offset changes. */
const SWITCH_DAY = 1e9

export class SiteCalendar {
  /** Site-local "YYYY-MM-DD" of `now`. */
  readonly today: string
  // Daylight saving changes on the hour, so one offset per UTC hour is exact.
  private readonly offsetByHour = new Map<number, number>()
  private readonly offsetByDay = new Map<number, number>()
  private readonly days = new Map<number, string>()
  private readonly noonByDay = new Map<string, number>()

  constructor(readonly now: Date) {
    this.today = toFrappeDate(now)
  }

  /** "YYYY-MM-DD HH:MM:SS.ffffff", identical to toFrappeDatetime, memoised. */
  datetime(instant: number | Date): string {
    const t = typeof instant === 'number' ? Math.floor(instant) : instant.getTime()
    const local = t + this.offsetAt(t) * MINUTE
    const dayNumber = Math.floor(local / DAY)
    const ms = local - dayNumber * DAY
    // Shared pieces keep a million timestamps from becoming a million little string trees.
    return this.dayString(dayNumber) + timeOfDay(Math.floor(ms / 1000)) + micros(ms % 1000)
  }

  /** "YYYY-MM-DD" of the site-local day containing the instant, memoised. */
  date(instant: number | Date): string {
    const t = typeof instant === 'number' ? Math.floor(instant) : instant.getTime()
    return this.dayString(Math.floor((t + this.offsetAt(t) * MINUTE) / DAY))
  }

  private dayString(dayNumber: number): string {
    let day = this.days.get(dayNumber)
    if (day === undefined) {
      const d = new Date(dayNumber * DAY)
      day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
      this.days.set(dayNumber, day)
    }
    return day
  }

  /** The site-local day `days` away from today. */
  day(days: number): string {
    return addDays(this.today, days)
  }

  /**
   * The instant of a site-local time of day, `minutes` after midnight. Work happens between 6:00
   * and 22:00, well clear of the 2:00 daylight-saving switch, so the day's noon offset is exact.
   */
  at(day: string, minutes: number): number {
    let noon = this.noonByDay.get(day)
    if (noon === undefined) {
      const [year, month, d] = day.split('-').map(Number)
      noon = fromSiteWallClock({ year, month, day: d, hour: 12, minute: 0, second: 0 }).getTime()
      this.noonByDay.set(day, noon)
    }
    return noon + (minutes - 12 * 60) * MINUTE
  }

  /** Monday of the site-local week containing `now`. */
  mondayOfThisWeek(): string {
    const [y, m, d] = this.today.split('-').map(Number)
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() // 0 = Sunday
    return addDays(this.today, -((weekday + 6) % 7))
  }

  /**
   * The zone's UTC offset at an instant. Most UTC days have one offset all day: checked once per
   * day, and only the two switch days a year are resolved hour by hour.
   */
  private offsetAt(t: number): number {
    const day = Math.floor(t / DAY)
    let offset = this.offsetByDay.get(day)
    if (offset === undefined) {
      const first = siteOffsetMinutes(new Date(day * DAY))
      const last = siteOffsetMinutes(new Date(day * DAY + 23 * HOUR))
      offset = first === last ? first : SWITCH_DAY
      this.offsetByDay.set(day, offset)
    }
    if (offset !== SWITCH_DAY) return offset
    const hour = Math.floor(t / HOUR)
    let hourly = this.offsetByHour.get(hour)
    if (hourly === undefined) {
      hourly = siteOffsetMinutes(new Date(hour * HOUR))
      this.offsetByHour.set(hour, hourly)
    }
    return hourly
  }
}

/** 0 = Sunday … 6 = Saturday, for a "YYYY-MM-DD" date. */
export function weekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}

/** Whole days from `from` to `to` ("YYYY-MM-DD"), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const parse = (s: string) => {
    const [y, m, d] = s.split('-').map(Number)
    return Date.UTC(y, m - 1, d)
  }
  return Math.round((parse(to) - parse(from)) / DAY)
}

export { MINUTE, HOUR }
