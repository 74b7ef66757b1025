/**
 * A technician for a job booked from a flow on a preferred day: the Active technician with a free
 * slot of the job's length that day, the least loaded first, then the one living nearest. Without
 * a day, or when nobody is free, the job stays unassigned for dispatch to plan (the Répartition
 * board ranks candidates in full; a flow only needs a sensible first choice).
 */
import type { DispatchJob, Technician } from '../../src/contracts/doctypes'
import { addDays, fromSiteWallClock, parseSiteDatetime } from '../../src/contracts/frappeTime'
import { distanceKm, type LatLon } from '../../src/contracts/geo'
import type { ErpClient } from '../upstream/erp'

const MINUTE = 60_000
const SLOT_MINUTES = 15
/** A technician with no shift on file works these hours. */
const DEFAULT_SHIFT = { start: '08:00', end: '16:30' }
const BUSY_STATUSES = ['Scheduled', 'En Route', 'In Progress', 'Completed']

export interface BookingTechnician {
  name: string
  shift_start?: string
  shift_end?: string
  home_latitude?: number
  home_longitude?: number
}
export interface BusyInterval {
  technician: string
  start: number
  end: number
}
export interface Booking {
  technician: string
  start: number
}

const hhmm = (text: string | undefined): { hour: number; minute: number } | null => {
  const m = /^(\d{1,2}):(\d{2})/.exec(text ?? '')
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null
}

/** The instant of a site-local time on a "YYYY-MM-DD" day. */
export function siteInstantOf(day: string, time: { hour: number; minute: number }): number {
  const [year, month, d] = day.split('-').map(Number)
  return fromSiteWallClock({ year, month, day: d, hour: time.hour, minute: time.minute, second: 0 }).getTime()
}

function shiftOf(day: string, t: BookingTechnician): { start: number; end: number } {
  const s = hhmm(t.shift_start) ?? hhmm(DEFAULT_SHIFT.start)!
  const e = hhmm(t.shift_end) ?? hhmm(DEFAULT_SHIFT.end)!
  const start = siteInstantOf(day, s)
  const crosses = e.hour * 60 + e.minute <= s.hour * 60 + s.minute
  return { start, end: siteInstantOf(crosses ? addDays(day, 1) : day, e) }
}

/** The earliest free slot of `durationMs` in the shift, not before `notBefore`, or null. */
function firstFreeSlot(
  shift: { start: number; end: number },
  durationMs: number,
  busy: readonly BusyInterval[],
  notBefore: number,
): number | null {
  const step = SLOT_MINUTES * MINUTE
  const first = Math.max(shift.start, Math.ceil(notBefore / step) * step)
  for (let s = first; s + durationMs <= shift.end; s += step) {
    if (!busy.some((b) => b.start < s + durationMs && s < b.end)) return s
  }
  return null
}

/** Pure: who takes the job that day, and when; null when nobody has room. */
export function pickTechnician(input: {
  day: string
  durationMs: number
  technicians: readonly BookingTechnician[]
  busy: readonly BusyInterval[]
  notBefore: number
  site: LatLon | null
}): Booking | null {
  const ranked = input.technicians.flatMap((t) => {
    const theirs = input.busy.filter((b) => b.technician === t.name)
    const start = firstFreeSlot(shiftOf(input.day, t), input.durationMs, theirs, input.notBefore)
    if (start === null) return []
    const load = theirs.reduce((n, b) => n + (b.end - b.start), 0)
    const home =
      t.home_latitude != null && t.home_longitude != null
        ? { latitude: t.home_latitude, longitude: t.home_longitude }
        : null
    const km = home && input.site ? distanceKm(home, input.site) : Number.POSITIVE_INFINITY
    return [{ technician: t.name, start, load, km }]
  })
  ranked.sort((a, b) => a.load - b.load || a.km - b.km || a.start - b.start || a.technician.localeCompare(b.technician))
  const best = ranked[0]
  return best ? { technician: best.technician, start: best.start } : null
}

/** Reads the day's crew and bookings from ERPNext and picks; null when nobody has room. */
export async function bookOnDay(
  erp: ErpClient,
  day: string,
  durationMinutes: number,
  site: LatLon | null,
  now: number,
): Promise<Booking | null> {
  const dayStart = `${day} 00:00:00`
  const nextDay = `${addDays(day, 1)} 00:00:00`
  const [technicians, jobs] = await Promise.all([
    erp.list<Technician>('Technician', {
      fields: ['name', 'status', 'shift_start', 'shift_end', 'home_latitude', 'home_longitude'],
      filters: [['status', '=', 'Active']],
    }),
    erp.list<DispatchJob>('Dispatch Job', {
      fields: ['name', 'technician', 'scheduled_start', 'duration_minutes', 'status'],
      filters: [
        ['scheduled_start', '>=', dayStart],
        ['scheduled_start', '<', nextDay],
        ['status', 'in', BUSY_STATUSES],
      ],
    }),
  ])
  const busy = jobs.flatMap((j) => {
    const start = parseSiteDatetime(j.scheduled_start)
    if (!j.technician || Number.isNaN(start)) return []
    return [{ technician: j.technician, start, end: start + (j.duration_minutes ?? 60) * MINUTE }]
  })
  return pickTechnician({ day, durationMs: durationMinutes * MINUTE, technicians, busy, notBefore: now, site })
}
