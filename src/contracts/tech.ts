/**
 * What the BFF's technician routes answer (/ops/api/tech/*): a technician's day, one job with
 * its location's equipment, and the recording of a scanned piece of equipment.
 */
import type { EQUIPMENT_TYPES, JobStatus, JobType, Priority, ServiceEquipment } from './doctypes'

export type EquipmentType = (typeof EQUIPMENT_TYPES)[number]

export interface TechJob {
  name: string
  job_type: JobType
  status: JobStatus
  priority: Priority
  /** Site-local Frappe datetime. */
  scheduled_start: string
  duration_minutes: number
  customer: string | null
  customer_name: string | null
  service_location: string | null
  address: string | null
  latitude: number | null
  longitude: number | null
  tags: string[]
  description: string | null
  completion_notes: string | null
  /** Sent back with a status change, so a stale edit is refused. */
  modified: string
}

/** GET /ops/api/tech/day — today's and tomorrow's jobs of the signed-in technician, in order. */
export interface TechDay {
  /** null when the signed-in user is not linked to a Technician record. */
  technician: string | null
  today: string
  tomorrow: string
  /** ISO instant the BFF built the answer (shown when the day is displayed from the cache). */
  generatedAt: string
  jobs: TechJob[]
  /**
   * The newest live event this day shows (the stream's position when it was read): the tablet
   * reads the day again when one of the technician's events came after it. Absent when unknown.
   */
  position?: string
}

export interface TechLocation {
  name: string
  address_line: string
  city: string
  postal_code: string | null
  latitude: number | null
  longitude: number | null
}

/** GET /ops/api/tech/jobs/{name} — 403 when the job is another technician's. */
export interface TechJobDetail {
  job: TechJob
  location: TechLocation | null
  equipment: ServiceEquipment[]
  /** As the day's: the newest live event this job's page shows. Absent when unknown. */
  position?: string
}

/**
 * GET /ops/api/tech/day/jobs — every job of the signed-in technician's day (as GET /tech/day
 * lists them) as its page shows it, for the tablet to keep them all offline in one read.
 */
export interface TechDayJobs {
  jobs: TechJobDetail[]
}

/** PUT /ops/api/tech/scans/{scanId} — idempotent: the same scan id never records twice. */
export interface ScanSaveRequest {
  job: string
  serial_no: string
  mac_address?: string | null
  equipment_type: EquipmentType
  brand?: string | null
  model?: string | null
}

export interface ScanSaveAnswer {
  equipment: ServiceEquipment
  /** `already`: this scan had been recorded before (a replay after a lost answer). */
  outcome: 'created' | 'updated' | 'already'
}
