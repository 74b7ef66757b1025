import type { H3 } from 'h3'
import type { DispatchJob, Technician } from '../../../src/contracts/doctypes'
import { addDays, fromSiteWallClock, parseFrappeDatetime, toFrappeDate } from '../../../src/contracts/frappeTime'
import type { ErpClient } from './erp'
import { HubError, badRequest, notFound } from './errors'
import { applyFaults, type FaultPlan } from './faults'
import { distanceKm as greatCircleKm } from '../../../src/contracts/geo'

/**
 * `GET /traccar/positions?deviceId=N` — a stand-in for Traccar. Technicians drive plausible routes
 * computed from ERPNext: home before and after their shift, to each of the day's Dispatch Jobs in
 * order of `scheduled_start`, parked at a job for its duration. The position is a pure function of
 * the time, so a test (or a demo replay) sees the same thing twice.
 */

export interface TraccarPosition {
  id: number
  deviceId: number
  protocol: string
  serverTime: string
  deviceTime: string
  fixTime: string
  outdated: boolean
  valid: boolean
  latitude: number
  longitude: number
  altitude: number
  /** knots, as Traccar reports it */
  speed: number
  course: number
  accuracy: number
  attributes: Record<string, unknown>
}

export interface LatLon {
  lat: number
  lon: number
}

/** The day of one technician: where they live, when they work, where they are expected. */
export interface TechnicianDay {
  home: LatLon
  shiftStart: number
  shiftEnd: number
  jobs: { at: LatLon; start: number; durationMs: number }[]
}

export interface Fix {
  at: LatLon
  speedKnots: number
  course: number
  moving: boolean
}

/** Field technicians' average speed between jobs (suburbs and rural roads around Saint-Jérôme). */
export const DRIVING_SPEED_KMH = 45
const MIN_LEG_MS = 3 * 60_000
/** Where a technician without a home on file starts: the Saint-Jérôme depot. */
const DEPOT: LatLon = { lat: 45.7804, lon: -74.0036 }
const KM_PER_NAUTICAL_MILE = 1.852

export function distanceKm(a: LatLon, b: LatLon): number {
  return greatCircleKm({ latitude: a.lat, longitude: a.lon }, { latitude: b.lat, longitude: b.lon })
}

export function bearing(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180
  const y = Math.sin((b.lon - a.lon) * rad) * Math.cos(b.lat * rad)
  const x =
    Math.cos(a.lat * rad) * Math.sin(b.lat * rad) -
    Math.sin(a.lat * rad) * Math.cos(b.lat * rad) * Math.cos((b.lon - a.lon) * rad)
  return (Math.atan2(y, x) / rad + 360) % 360
}

function travelMs(a: LatLon, b: LatLon): number {
  const km = distanceKm(a, b)
  if (km < 0.01) return 0
  return Math.max(MIN_LEG_MS, (km / DRIVING_SPEED_KMH) * 3_600_000)
}

interface Leg {
  from: LatLon
  to: LatLon
  depart: number
  arrive: number
}

/**
 * Where a technician is at instant `t`. They leave in time to reach each job at its scheduled
 * start (or as soon as the previous job ends when they're running late), stay for its duration,
 * and drive home after the last one. Outside the shift they are at home.
 */
export function positionAt(day: TechnicianDay, t: number): Fix {
  const parked = (at: LatLon): Fix => ({ at, speedKnots: 0, course: 0, moving: false })
  if (t < day.shiftStart || t >= day.shiftEnd) return parked(day.home)

  const legs: Leg[] = []
  let here = day.home
  let free = day.shiftStart
  for (const job of [...day.jobs].sort((a, b) => a.start - b.start)) {
    const drive = travelMs(here, job.at)
    const depart = Math.max(free, job.start - drive)
    const arrive = depart + drive
    legs.push({ from: here, to: job.at, depart, arrive })
    free = Math.max(arrive, job.start) + job.durationMs
    here = job.at
  }
  const home = travelMs(here, day.home)
  legs.push({ from: here, to: day.home, depart: free, arrive: free + home })

  let last = day.home
  for (const leg of legs) {
    if (t < leg.depart) return parked(last)
    if (t < leg.arrive) {
      const f = (t - leg.depart) / (leg.arrive - leg.depart)
      const km = distanceKm(leg.from, leg.to)
      return {
        at: {
          lat: leg.from.lat + (leg.to.lat - leg.from.lat) * f,
          lon: leg.from.lon + (leg.to.lon - leg.from.lon) * f,
        },
        speedKnots: km / ((leg.arrive - leg.depart) / 3_600_000) / KM_PER_NAUTICAL_MILE,
        course: bearing(leg.from, leg.to),
        moving: true,
      }
    }
    last = leg.to
  }
  return parked(last)
}

/** "HH:MM" on a site-local day → instant; null when malformed. */
function shiftInstant(date: string, hhmm: string | undefined, fallback: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec((hhmm ?? '').trim()) ?? /^(\d{1,2}):(\d{2})$/.exec(fallback)!
  const [y, mo, d] = date.split('-').map(Number)
  return fromSiteWallClock({
    year: y,
    month: mo,
    day: d,
    hour: Number(m[1]),
    minute: Number(m[2]),
    second: 0,
  }).getTime()
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6

export interface TraccarDeps {
  erp: ErpClient
  faults: FaultPlan
  now: () => Date
  technicianCacheMs: number
  jobCacheMs: number
}

type TechRow = Pick<
  Technician,
  'name' | 'status' | 'traccar_device_id' | 'home_latitude' | 'home_longitude' | 'shift_start' | 'shift_end'
>
type JobRow = Pick<
  DispatchJob,
  'name' | 'technician' | 'scheduled_start' | 'duration_minutes' | 'latitude' | 'longitude' | 'status'
>

export interface TraccarSimulator {
  /** Forget the cached jobs (a job moved: positions must follow now, not in 15 s). */
  invalidateJobs(): void
}

export function registerTraccarRoutes(app: H3, deps: TraccarDeps): TraccarSimulator {
  // The BFF polls every technician in parallel: one shared in-flight read, not one per device.
  let techs: { at: number; rows: Promise<TechRow[]> } | null = null
  let jobs: { at: number; date: string; byTech: Promise<Map<string, JobRow[]>> } | null = null

  function technicians(now: number): Promise<TechRow[]> {
    if (!techs || now - techs.at >= deps.technicianCacheMs || now < techs.at) {
      const rows = deps.erp.list<TechRow>('Technician', {
        fields: ['name', 'status', 'traccar_device_id', 'home_latitude', 'home_longitude', 'shift_start', 'shift_end'],
      })
      techs = { at: now, rows }
      rows.catch(() => {
        if (techs?.rows === rows) techs = null
      }) // don't cache a failure
    }
    return techs.rows
  }

  function jobsOfDay(date: string, now: number): Promise<Map<string, JobRow[]>> {
    if (!jobs || jobs.date !== date || now - jobs.at >= deps.jobCacheMs || now < jobs.at) {
      const byTech = deps.erp
        .list<JobRow>('Dispatch Job', {
          fields: ['name', 'technician', 'scheduled_start', 'duration_minutes', 'latitude', 'longitude', 'status'],
          filters: [
            ['scheduled_start', '>=', `${date} 00:00:00`],
            ['scheduled_start', '<', `${addDays(date, 1)} 00:00:00`],
            ['technician', 'is', 'set'],
            ['status', '!=', 'Cancelled'],
          ],
        })
        .then((rows) => {
          const map = new Map<string, JobRow[]>()
          for (const row of rows) if (row.technician) map.set(row.technician, [...(map.get(row.technician) ?? []), row])
          return map
        })
      jobs = { at: now, date, byTech }
      byTech.catch(() => {
        if (jobs?.byTech === byTech) jobs = null
      })
    }
    return jobs.byTech
  }

  app.get('/traccar/positions', async (event) => {
    const raw = event.url.searchParams.get('deviceId') ?? ''
    if (!/^\d+$/.test(raw.trim())) throw badRequest('INVALID_DEVICE_ID', 'deviceId must be a positive integer')
    const deviceId = Number(raw.trim())
    await applyFaults(deps.faults, 'traccar')
    const failure = deps.faults.deviceFailure(deviceId)
    if (failure !== null)
      throw new HubError(failure, 'FAULT_INJECTED', `Simulated failure of Traccar device ${deviceId} (fault plan)`)

    const nowDate = deps.now()
    const now = nowDate.getTime()
    const tech = (await technicians(now)).find((t) => Number(t.traccar_device_id) === deviceId)
    if (!tech || tech.status === 'Inactive')
      throw notFound('DEVICE_NOT_FOUND', `No active technician has Traccar device ${deviceId}`)

    const date = toFrappeDate(nowDate)
    const home =
      tech.home_latitude != null && tech.home_longitude != null
        ? { lat: Number(tech.home_latitude), lon: Number(tech.home_longitude) }
        : DEPOT
    const day: TechnicianDay = {
      home,
      shiftStart: shiftInstant(date, tech.shift_start, '08:00'),
      shiftEnd: shiftInstant(date, tech.shift_end, '17:00'),
      jobs: ((await jobsOfDay(date, now)).get(tech.name) ?? []).flatMap((j) => {
        const start = j.scheduled_start ? parseFrappeDatetime(j.scheduled_start) : null
        if (!start || j.latitude == null || j.longitude == null) return []
        return [
          {
            at: { lat: Number(j.latitude), lon: Number(j.longitude) },
            start: start.getTime(),
            durationMs: (Number(j.duration_minutes) || 60) * 60_000,
          },
        ]
      }),
    }
    const fix = positionAt(day, now)
    const iso = nowDate.toISOString()
    const position: TraccarPosition = {
      // Traccar ids grow with time; one per device and 5-second slot keeps them stable between polls.
      id: Math.floor(now / 5000) * 10_000 + (deviceId % 10_000),
      deviceId,
      protocol: 'osmand',
      serverTime: iso,
      deviceTime: iso,
      fixTime: iso,
      outdated: false,
      valid: true,
      latitude: round6(fix.at.lat),
      longitude: round6(fix.at.lon),
      altitude: 0,
      speed: Math.round(fix.speedKnots * 10) / 10,
      course: Math.round(fix.course),
      accuracy: 5,
      attributes: {},
    }
    return position
  })

  return {
    invalidateJobs: () => {
      jobs = null
    },
  }
}
