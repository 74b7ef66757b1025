/**
 * The board's time axis. Time runs in real instants (milliseconds), so a daylight-saving day is
 * 23 or 25 hours wide and a job that crosses the change keeps its true length; labels and shifts
 * are site-local wall-clock times (America/Toronto), whatever zone the browser runs in.
 */
import { addDays, fromSiteWallClock, siteWallClock, startOfSiteDay, toFrappeDate } from '../../contracts/frappeTime'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const SNAP_MINUTES = 15

export type ViewMode = 'day' | 'week'

export interface ViewRange {
  /** First and last site-local day shown (inclusive). */
  from: string
  to: string
  /** Instants bounding the axis: midnight of `from` to midnight after `to`. */
  start: number
  end: number
}

/** Monday of the site-local week containing `day`. */
export function mondayOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay()
  return addDays(day, -((weekday + 6) % 7))
}

export function viewRange(day: string, mode: ViewMode): ViewRange {
  const from = mode === 'week' ? mondayOf(day) : day
  const to = mode === 'week' ? addDays(from, 6) : day
  return { from, to, start: startOfSiteDay(from).getTime(), end: startOfSiteDay(addDays(to, 1)).getTime() }
}

/** The days of a range, in order. */
export function daysOf(range: Pick<ViewRange, 'from' | 'to'>): string[] {
  const out: string[] = []
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d)
  return out
}

/** Nearest multiple of 15 minutes. Toronto's offsets are whole hours, so UTC quarters are local quarters. */
export function snap(instant: number, minutes = SNAP_MINUTES): number {
  const step = minutes * MINUTE
  return Math.round(instant / step) * step
}

/** "HH:MM" → minutes after midnight, or null when malformed. */
export function parseHhmm(value: string | undefined): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec((value ?? '').trim())
  if (!m) return null
  const h = Number(m[1])
  const min = Number(m[2])
  return h < 24 && min < 60 ? h * 60 + min : null
}

// Intl costs ~10 µs a call and the board converts tens of thousands of times: the zone's offset
// only changes on the hour, so one conversion per site-local hour (or UTC hour) is exact.
const hourOffsets = new Map<string, number>()
const dayOfUtcHour = new Map<number, string>()
const instantCache = new Map<string, number>()

/** The instant of a site-local time of day (minutes after midnight) on a site-local date. */
export function siteInstant(day: string, minutesOfDay: number): number {
  const key = `${day}|${minutesOfDay}`
  let t = instantCache.get(key)
  if (t === undefined) {
    const [year, month, d] = day.split('-').map(Number)
    t = fromSiteWallClock({ year, month, day: d, hour: Math.floor(minutesOfDay / 60), minute: minutesOfDay % 60, second: 0 }).getTime()
    if (instantCache.size > 20_000) instantCache.clear()
    instantCache.set(key, t)
  }
  return t
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/

/** A Frappe datetime (site-local) as an instant, NaN when malformed; same answer as parseFrappeDatetime, fast. */
export function parseSiteDatetime(value: string | undefined): number {
  const m = DATETIME.exec(value ?? '')
  if (!m) return NaN
  const hourKey = value!.slice(0, 13)
  let offset = hourOffsets.get(hourKey)
  const naiveHour = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4])
  if (offset === undefined) {
    offset = fromSiteWallClock({ year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: 0, second: 0 }).getTime() - naiveHour
    hourOffsets.set(hourKey, offset)
  }
  return naiveHour + offset + (+m[5]) * MINUTE + (+(m[6] ?? 0)) * 1000
}

/** A technician's shift on a day as instants; a shift ending before it starts runs past midnight. */
export function shiftOn(day: string, shiftStart: string | undefined, shiftEnd: string | undefined): { start: number; end: number } | null {
  const s = parseHhmm(shiftStart)
  const e = parseHhmm(shiftEnd)
  if (s === null || e === null) return null
  const start = siteInstant(day, s)
  const end = e > s ? siteInstant(day, e) : siteInstant(addDays(day, 1), e)
  return { start, end }
}

/** Site-local "YYYY-MM-DD" of an instant; '' for a job with no requested time (NaN). */
export function siteDay(instant: number): string {
  if (!Number.isFinite(instant)) return ''
  const hour = Math.floor(instant / HOUR)
  let day = dayOfUtcHour.get(hour)
  if (day === undefined) {
    day = toFrappeDate(new Date(hour * HOUR))
    dayOfUtcHour.set(hour, day)
  }
  return day
}

/** Site-local "HH:MM" of an instant; '' for a job with no requested time (NaN). */
export function siteTime(instant: number): string {
  if (!Number.isFinite(instant)) return ''
  const w = siteWallClock(new Date(instant))
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`
}

export interface Tick { at: number; label: string; major: boolean }

/**
 * One tick per site-local hour (or every `everyHours`), labelled with the wall-clock hour: on the
 * spring-forward day 02:00 never appears, in autumn 01:00 appears twice, as on a real clock.
 */
export function hourTicks(start: number, end: number, everyHours = 1): Tick[] {
  const ticks: Tick[] = []
  for (let t = Math.ceil(start / HOUR) * HOUR; t < end; t += HOUR) {
    const w = siteWallClock(new Date(t))
    if (w.minute !== 0 || w.hour % everyHours !== 0) continue
    ticks.push({ at: t, label: `${String(w.hour).padStart(2, '0')} h`, major: w.hour === 0 })
  }
  return ticks
}
