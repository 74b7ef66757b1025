/**
 * A day of field work as a vehicle routing problem: technicians are the vehicles (their shift,
 * their home, their Skill tags), jobs are the stops (where, how long, the skills they need, the
 * arrival window promised, how urgent). Jobs already under way or done, and jobs a dispatcher
 * locked, keep their technician and time. Everything is read from ERPNext with the service token,
 * one list per tag for the child tables (ERPNext lists never return them).
 *
 * Times in the problem are seconds since the day's site-local midnight.
 */
import type { JobStatus, Priority } from '../../src/contracts/doctypes'
import { addDays, parseSiteDatetime } from '../../src/contracts/frappeTime'
import type { OptimizeRequest } from '../../src/contracts/optimize'
import { DEFAULT_GEO_METRIC } from '../optimizer/travel'
import type { VrpJob, VrpLocation, VrpMetric, VrpProblem, VrpVehicle } from '../optimizer/types'
import type { ErpClient } from '../upstream/erp'

/** Statuses whose jobs never move: the technician is on the way, on site, or done. */
export const LOCKED_STATUSES: readonly JobStatus[] = ['En Route', 'In Progress', 'Completed']

const PRIORITY_WEIGHT: Record<Priority, number> = { Low: 10, Medium: 30, High: 60, Urgent: 100 }
const DEFAULT_SHIFT: [string, string] = ['08:00', '16:30']
const DAY_SECONDS = 24 * 3600

export interface DayTechnician {
  name: string
  full_name: string
  home?: VrpLocation
  shiftStart: number
  shiftEnd: number
  skills: string[]
  zones: string[]
}

export interface DayJob {
  name: string
  status: JobStatus
  priority: Priority
  technician: string | null
  /** Seconds since midnight of its booked start, when it is booked on the day. */
  start: number | null
  duration: number
  location: VrpLocation
  skills: string[]
  zones: string[]
  window: [number, number] | null
  locked: boolean
  /** Its promised window is already over (today): it cannot be planned. */
  expired: boolean
  modified: string
}

/** Everything read for one optimization: what the problem was built from, and the problem. */
export interface DaySnapshot {
  day: string
  /** Instant of the day's midnight, to turn problem seconds into instants. */
  midnight: number
  technicians: DayTechnician[]
  jobs: DayJob[]
  problem: VrpProblem
  metric: VrpMetric
}

export class ScopeProblem extends Error {
  constructor(readonly kind: 'no_technicians' | 'no_jobs' | 'unknown_zone') {
    super(kind)
  }
}

type Row = Record<string, unknown>

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** "HH:MM" → seconds since midnight. */
function clock(value: unknown, fallback: string): number {
  const m = /^(\d{1,2}):(\d{2})/.exec(text(value) ?? fallback) ?? /^(\d{1,2}):(\d{2})/.exec(fallback)!
  return Number(m[1]) * 3600 + Number(m[2]) * 60
}

/** A site-local datetime on `day` → seconds since its midnight; null when on another day or absent. */
export function secondsOn(day: string, value: unknown): number | null {
  const s = text(value)
  if (!s || s.slice(0, 10) !== day) return null
  const m = /^\d{4}-\d{2}-\d{2}[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(s)
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) : null
}

/** Seconds since midnight of `day` → the site-local Frappe datetime ERPNext stores. */
export function datetimeOn(day: string, seconds: number): string {
  const s = Math.max(0, Math.min(DAY_SECONDS - 60, Math.round(seconds / 60) * 60))
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${day} ${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:00`
}

/** Seconds since midnight of `day` → an instant (ms since the epoch). */
export function instantOn(day: string, seconds: number): number {
  return parseSiteDatetime(datetimeOn(day, seconds))
}

/** Names of `doctype` rows carrying each tag, one list per tag. */
async function tagged(
  erp: ErpClient,
  doctype: string,
  child: string,
  tags: readonly string[],
  filters: unknown[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  await Promise.all(
    tags.map(async (tag) => {
      const rows = await erp.list<{ name: string }>(doctype, {
        fields: ['name'],
        filters: [...filters, [child, 'tag', '=', tag]],
      })
      for (const { name } of rows) {
        const list = out.get(name)
        if (list) list.push(tag)
        else out.set(name, [tag])
      }
    }),
  )
  for (const list of out.values()) list.sort()
  return out
}

export interface ReadOptions {
  /** The clock, for today's jobs (nothing is planned in the past). */
  now?: number
  metric?: VrpMetric
}

/**
 * Reads the day and builds the problem for `request`'s technicians. Throws ScopeProblem when the
 * scope holds no technician or no job.
 */
export async function readDay(
  erp: ErpClient,
  request: OptimizeRequest,
  options: ReadOptions = {},
): Promise<DaySnapshot> {
  const { day, scope } = request
  const metric = options.metric ?? DEFAULT_GEO_METRIC
  const midnight = parseSiteDatetime(`${day} 00:00:00`)
  const inDay = [
    ['scheduled_start', '>=', `${day} 00:00:00`],
    ['scheduled_start', '<', `${addDays(day, 1)} 00:00:00`],
    ['status', '!=', 'Cancelled'],
  ]
  const tagRows = await erp.list<{ name: string; category?: string | null }>('Tag', { fields: ['name', 'category'] })
  const skillTags = tagRows.filter((t) => t.category === 'Skill').map((t) => t.name)
  const zoneTags = tagRows.filter((t) => t.category === 'Zone').map((t) => t.name)
  if (scope.kind === 'zone' && !zoneTags.includes(scope.tag)) throw new ScopeProblem('unknown_zone')
  const related = [...skillTags, ...zoneTags]

  const [techRows, jobRows, techTags, jobTags] = await Promise.all([
    erp.list<Row>('Technician', {
      fields: ['name', 'full_name', 'home_latitude', 'home_longitude', 'shift_start', 'shift_end'],
      filters: [['status', '=', 'Active']],
    }),
    erp.list<Row>('Dispatch Job', {
      fields: [
        'name',
        'status',
        'priority',
        'technician',
        'scheduled_start',
        'duration_minutes',
        'latitude',
        'longitude',
        'arrival_window_start',
        'arrival_window_end',
        'pinned',
        'modified',
      ],
      filters: inDay,
    }),
    tagged(erp, 'Technician', 'Technician Tag', related, [['status', '=', 'Active']]),
    tagged(erp, 'Dispatch Job', 'Dispatch Job Tag', related, inDay),
  ])

  const skillSet = new Set(skillTags)
  const zoneSet = new Set(zoneTags)
  const allTechnicians: DayTechnician[] = techRows.map((r) => {
    const tags = techTags.get(String(r.name)) ?? []
    const lat = num(r.home_latitude)
    const lon = num(r.home_longitude)
    return {
      name: String(r.name),
      full_name: text(r.full_name) ?? String(r.name),
      home: lat !== null && lon !== null ? [lon, lat] : undefined,
      shiftStart: clock(r.shift_start, DEFAULT_SHIFT[0]),
      shiftEnd: clock(r.shift_end, DEFAULT_SHIFT[1]),
      skills: tags.filter((t) => skillSet.has(t)),
      zones: tags.filter((t) => zoneSet.has(t)),
    }
  })

  const wanted =
    scope.kind === 'zone'
      ? allTechnicians.filter((t) => t.zones.includes(scope.tag))
      : scope.kind === 'selection'
        ? allTechnicians.filter((t) => scope.technicians.includes(t.name))
        : allTechnicians
  if (wanted.length === 0) throw new ScopeProblem('no_technicians')
  const inScope = new Set(wanted.map((t) => t.name))
  // The queue's jobs that belong to this scope: the zone's, or those in the chosen technicians' zones.
  const zonesOfScope = scope.kind === 'zone' ? new Set([scope.tag]) : new Set(wanted.flatMap((t) => t.zones))
  const queueJobFits = (zones: string[]) =>
    scope.kind === 'everyone' || zonesOfScope.size === 0 || zones.some((z) => zonesOfScope.has(z))

  const jobs: DayJob[] = []
  for (const r of jobRows) {
    const lat = num(r.latitude)
    const lon = num(r.longitude)
    if (lat === null || lon === null) continue
    const status = (text(r.status) ?? 'Unscheduled') as JobStatus
    const technician = status === 'Unscheduled' ? null : text(r.technician)
    const tags = jobTags.get(String(r.name)) ?? []
    const zones = tags.filter((t) => zoneSet.has(t))
    if (technician ? !inScope.has(technician) : request.orderOnly || !queueJobFits(zones)) continue
    const ws = secondsOn(day, r.arrival_window_start)
    const we = secondsOn(day, r.arrival_window_end)
    jobs.push({
      name: String(r.name),
      status,
      priority: (text(r.priority) ?? 'Medium') as Priority,
      technician,
      start: technician ? secondsOn(day, r.scheduled_start) : null,
      duration: Math.max(1, num(r.duration_minutes) ?? 60) * 60,
      location: [lon, lat],
      skills: tags.filter((t) => skillSet.has(t)),
      zones,
      window: ws !== null && we !== null && we > ws ? [ws, we] : null,
      locked: !!technician && (LOCKED_STATUSES.includes(status) || !!r.pinned),
      expired: false,
      modified: text(r.modified) ?? '',
    })
  }
  if (jobs.length === 0) throw new ScopeProblem('no_jobs')

  const nowSeconds =
    options.now !== undefined && options.now > midnight ? Math.floor((options.now - midnight) / 1000) : 0
  const vehicles: VrpVehicle[] = wanted.map((t) => {
    const pins = jobs.filter((j) => j.locked && j.technician === t.name && j.start !== null)
    // The shift holds whatever is already fixed in it; nothing new is planned before now.
    const earliest = Math.min(Math.max(t.shiftStart, nowSeconds), ...pins.map((j) => j.start!))
    const latest = Math.max(t.shiftEnd, ...pins.map((j) => j.start! + j.duration))
    const v: VrpVehicle = { id: t.name, time_window: [earliest, Math.max(earliest, latest)], skills: t.skills }
    if (t.home) {
      v.start = t.home
      v.end = t.home
    }
    return v
  })
  for (const j of jobs) j.expired = !j.locked && j.window !== null && j.window[1] < nowSeconds
  const vrpJobs: VrpJob[] = jobs
    .filter((j) => !j.expired)
    .map((j) => {
      const job: VrpJob = {
        id: j.name,
        location: j.location,
        service: j.duration,
        skills: j.skills,
        priority: PRIORITY_WEIGHT[j.priority] ?? 30,
      }
      if (j.locked && j.technician && j.start !== null) {
        job.pinned = { vehicle: j.technician, arrival: j.start }
        return job
      }
      job.time_windows = [[Math.max(j.window?.[0] ?? 0, nowSeconds), j.window?.[1] ?? DAY_SECONDS]]
      return job
    })
  const problem: VrpProblem = { metric, vehicles, jobs: vrpJobs }
  if (request.orderOnly) {
    problem.fixedAssignment = Object.fromEntries(
      jobs.filter((j) => j.technician).map((j) => [j.name, j.technician!] as const),
    )
  }
  const technicians = wanted.map((t) => ({ ...t }))
  return { day, midnight, technicians, jobs, problem, metric }
}
