/**
 * The dispatch board's payloads (GET /ops/api/dispatch/board, GET /ops/api/positions) and the one
 * way a Dispatch Job becomes a board job, shared by the BFF, which builds the board, and the SPA,
 * which patches it job by job from live events. ERPNext lists never carry child tables, so the
 * board's view model brings the technicians' and jobs' tags along in one compact payload instead
 * of one request per document.
 */
import type { DispatchJob, JobStatus, JobType, Priority, Tag, Technician } from './doctypes'
import { parseSiteDatetime } from './frappeTime'

export interface BoardTechnician {
  name: string
  full_name: string
  status: 'Active' | 'Inactive'
  color?: string
  traccar_device_id?: number
  home_latitude?: number
  home_longitude?: number
  /** "HH:MM", site-local. */
  shift_start?: string
  shift_end?: string
  tags: string[]
}

export interface BoardJob {
  name: string
  job_type: JobType
  status: JobStatus
  priority: Priority
  customer?: string
  customer_name?: string
  technician?: string
  /** Site-local Frappe datetime. */
  scheduled_start?: string
  /**
   * `scheduled_start` as an instant (ms since the epoch), worked out by the BFF so the browser
   * does not convert 20,000 site-local datetimes before it can draw a week. Absent when the job
   * has no requested time.
   */
  start?: number
  duration_minutes: number
  /** The arrival window promised to the customer, site-local Frappe datetimes. */
  arrival_window_start?: string
  arrival_window_end?: string
  /** Locked: the optimizer keeps its technician and time. */
  pinned?: boolean
  /** When the customer was texted that the technician is on the way (site-local Frappe datetime). */
  customer_notified_at?: string
  address?: string
  latitude?: number
  longitude?: number
  description?: string
  tags: string[]
  creation?: string
  modified: string
}

export interface BoardPayload {
  /** Site-local days, inclusive. */
  from: string
  to: string
  tags: Pick<Tag, 'name' | 'category' | 'color'>[]
  technicians: BoardTechnician[]
  /** Jobs scheduled in the range, plus every job still waiting in the unassigned queue. */
  jobs: BoardJob[]
}

/** One technician's last known position, merged from Traccar by the BFF. */
export interface TechnicianPosition {
  technician: string
  latitude: number
  longitude: number
  speedKmh: number
  course: number
  /** ISO 8601, UTC. */
  fixTime: string
}

export interface PositionsPayload {
  positions: TechnicianPosition[]
  /** Technicians whose device did not answer this round (their last position is kept if known). */
  missing: string[]
  /** ISO 8601 of the poll these positions come from. */
  polledAt: string
}

/**
 * A Dispatch Job as ERPNext answers it: a whole document, or a list row, whose unset fields come
 * as null and which carries no child tables.
 */
export type DispatchJobRecord = {
  [K in Exclude<keyof DispatchJob, 'name' | 'job_type'>]?: DispatchJob[K] | null
} & Pick<DispatchJob, 'name' | 'job_type'>

const isSet = <T>(value: T | null | undefined | ''): value is T => value !== null && value !== undefined && value !== ''

/** What the board reads of a tag. */
export const BOARD_TAG_FIELDS = ['name', 'category', 'color']

/** A Tag as the board lists it, unset fields left out. */
export function boardTagOf(row: Pick<Tag, 'name'> & Partial<Tag>): BoardPayload['tags'][number] {
  const tag: BoardPayload['tags'][number] = { name: row.name }
  if (isSet(row.category)) tag.category = row.category
  if (isSet(row.color)) tag.color = row.color
  return tag
}

/**
 * A Technician as the board shows it, from a list row or a whole document, unset fields left out.
 * A list row has no tags of its own, so whoever read them separately passes them in.
 */
export function boardTechnicianOf(
  doc: Pick<Technician, 'name' | 'full_name'> & Partial<Technician>,
  tags: string[] = (doc.tags ?? []).map((t) => t.tag),
): BoardTechnician {
  const tech: BoardTechnician = { name: doc.name, full_name: doc.full_name, status: doc.status ?? 'Active', tags }
  if (isSet(doc.color)) tech.color = doc.color
  if (isSet(doc.traccar_device_id)) tech.traccar_device_id = doc.traccar_device_id
  if (isSet(doc.home_latitude)) tech.home_latitude = doc.home_latitude
  if (isSet(doc.home_longitude)) tech.home_longitude = doc.home_longitude
  if (isSet(doc.shift_start)) tech.shift_start = doc.shift_start
  if (isSet(doc.shift_end)) tech.shift_end = doc.shift_end
  return tech
}

/**
 * A job as the board holds it: tags flattened, the customer's name beside their id, the start as
 * an instant, and unset fields left out so 20,000 jobs stay a small payload. A list row has no
 * tags of its own, so whoever read them separately passes them in.
 */
export function boardJobOf(
  doc: DispatchJobRecord,
  customerName?: string | null,
  tags: string[] = (doc.tags ?? []).map((t) => t.tag),
): BoardJob {
  const job: BoardJob = {
    name: doc.name,
    job_type: doc.job_type,
    status: doc.status || 'Unscheduled',
    priority: doc.priority || 'Medium',
    duration_minutes: Number(doc.duration_minutes) || 60,
    tags,
    modified: doc.modified ?? '',
  }
  if (isSet(doc.customer)) job.customer = doc.customer
  if (isSet(customerName)) job.customer_name = customerName
  if (isSet(doc.technician)) job.technician = doc.technician
  if (isSet(doc.scheduled_start)) {
    job.scheduled_start = doc.scheduled_start
    const start = parseSiteDatetime(doc.scheduled_start)
    if (Number.isFinite(start)) job.start = start
  }
  if (isSet(doc.arrival_window_start) && isSet(doc.arrival_window_end)) {
    job.arrival_window_start = doc.arrival_window_start
    job.arrival_window_end = doc.arrival_window_end
  }
  if (doc.pinned) job.pinned = true
  if (isSet(doc.customer_notified_at)) job.customer_notified_at = doc.customer_notified_at
  if (isSet(doc.address)) job.address = doc.address
  if (isSet(doc.latitude)) job.latitude = doc.latitude
  if (isSet(doc.longitude)) job.longitude = doc.longitude
  if (isSet(doc.description)) job.description = doc.description
  if (isSet(doc.creation)) job.creation = doc.creation
  return job
}
