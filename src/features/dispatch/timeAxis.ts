/**
 * The board's time axis. Time runs in real instants (milliseconds), so a daylight-saving day is
 * 23 or 25 hours wide and a job that crosses the change keeps its true length; labels and shifts
 * are site-local wall-clock times (America/Toronto), whatever zone the browser runs in.
 */
import {
  addDays,
  fromSiteWallClock,
  mondayOf,
  siteWallClock,
  startOfSiteDay,
  toFrappeDate,
} from '../../contracts/frappeTime'

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

// Intl costs ~10 µs a call and the board converts tens of thousands of times: one conversion
// per site-local day and time of day, and one per UTC hour for the way back.
const dayOfUtcHour = new Map<number, string>()
const instantCache = new Map<string, number>()

/** The instant of a site-local time of day (minutes after midnight) on a site-local date. */
export function siteInstant(day: string, minutesOfDay: number): number {
  const key = `${day}|${minutesOfDay}`
  let t = instantCache.get(key)
  if (t === undefined) {
    const [year, month, d] = day.split('-').map(Number)
    t = fromSiteWallClock({
      year,
      month,
      day: d,
      hour: Math.floor(minutesOfDay / 60),
      minute: minutesOfDay % 60,
      second: 0,
    }).getTime()
    if (instantCache.size > 20_000) instantCache.clear()
    instantCache.set(key, t)
  }
  return t
}

/** A technician's shift on a day as instants; a shift ending before it starts runs past midnight. */
export function shiftOn(
  day: string,
  shiftStart: string | undefined,
  shiftEnd: string | undefined,
): { start: number; end: number } | null {
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

/** Minutes after site-local midnight shown by the wall clock at an instant. */
export function siteMinutesOfDay(instant: number): number {
  const w = siteWallClock(new Date(instant))
  return w.hour * 60 + w.minute
}

/** Site-local "HH:MM" of an instant; '' for a job with no requested time (NaN). */
export function siteTime(instant: number): string {
  if (!Number.isFinite(instant)) return ''
  const minutes = siteMinutesOfDay(instant)
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

export interface Tick {
  at: number
  label: string
  major: boolean
}

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
