/**
 * What the BFF's dispatch routes answer (GET /ops/api/dispatch/board, GET /ops/api/positions).
 * ERPNext lists never carry child tables, so the board's view model brings the technicians' and
 * jobs' tags along in one compact payload instead of one request per document.
 */
import type { JobStatus, JobType, Priority, Tag } from '../../contracts/doctypes'

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
