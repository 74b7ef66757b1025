/**
 * Site-local dates and datetimes for the generator. Everything is relative to `now` and expressed in
 * America/Toronto through the frappeTime helpers; formatting is memoised per UTC hour because the
 * large profile formats ~10⁶ timestamps and Intl costs ~10 µs a call.
 */
import {
  addDays, fromSiteWallClock, siteOffsetMinutes, toFrappeDate,
} from '../../../src/contracts/frappeTime'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

export class SiteCalendar {
  /** Site-local "YYYY-MM-DD" of `now`. */
  readonly today: string
  // Daylight saving changes on the hour, so one offset per UTC hour is exact.
  private readonly offsetByHour = new Map<number, number>()
  private readonly noonByDay = new Map<string, number>()

  constructor(readonly now: Date) {
    this.today = toFrappeDate(now)
  }

  /** "YYYY-MM-DD HH:MM:SS.ffffff", identical to toFrappeDatetime, memoised. */
  datetime(instant: number | Date): string {
    const t = typeof instant === 'number' ? instant : instant.getTime()
    const local = new Date(t + this.offsetAt(t) * MINUTE)
    return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
      `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.` +
      pad(local.getUTCMilliseconds() * 1000, 6)
  }

  /** "YYYY-MM-DD" of the site-local day containing the instant, memoised. */
  date(instant: number | Date): string {
    return this.datetime(instant).slice(0, 10)
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

  private offsetAt(t: number): number {
    const hour = Math.floor(t / HOUR)
    let offset = this.offsetByHour.get(hour)
    if (offset === undefined) {
      offset = siteOffsetMinutes(new Date(hour * HOUR))
      this.offsetByHour.set(hour, offset)
    }
    return offset
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
