/**
 * Equipment transfers: a technician scanned a serial registered at another customer (or another
 * address); nothing moved, and a ticket on the job's customer waits for dispatch or customer
 * service to confirm the move (/ops/api/equipment-transfers).
 */
import type { EQUIPMENT_STATUSES, EQUIPMENT_TYPES, JobType, ServiceEquipment } from './doctypes'

/**
 * Refusals of PUT /ops/api/tech/scans/{scanId} (409) that wait on the office rather than on a
 * correction: once the transfer is confirmed, the same scan sent again goes through.
 */
export const TRANSFER_REFUSAL_CODES = ['EQUIPMENT_AT_OTHER_CUSTOMER', 'EQUIPMENT_AT_OTHER_LOCATION'] as const
export type TransferRefusalCode = (typeof TRANSFER_REFUSAL_CODES)[number]

export const isTransferRefusal = (code: string | null | undefined): code is TransferRefusalCode =>
  (TRANSFER_REFUSAL_CODES as readonly string[]).includes(code ?? '')

/** One transfer waiting for a confirmation, as the customer page shows it. */
export interface PendingTransfer {
  /** The Issue that carries the request. */
  ticket: string
  /** Frappe date the ticket was opened. */
  opened: string | null
  scanId: string
  equipment: {
    name: string
    equipment_type: (typeof EQUIPMENT_TYPES)[number]
    brand: string | null
    model: string | null
    serial_no: string
    mac_address: string | null
    status: (typeof EQUIPMENT_STATUSES)[number] | null
    /** Where ERPNext has it now. */
    customer: string | null
    customer_name: string | null
    service_location: string | null
    address: string | null
  }
  /** The job it was scanned on: it moves to this job's customer and address. */
  job: {
    name: string
    job_type: JobType | null
    scheduled_start: string | null
    service_location: string | null
    address: string | null
  }
  technician: { name: string; full_name: string | null } | null
}

/** GET /ops/api/equipment-transfers?customer= */
export interface PendingTransferList {
  transfers: PendingTransfer[]
}

/** POST /ops/api/equipment-transfers/{ticket}/confirm */
export interface TransferConfirmAnswer {
  /** `already`: the equipment had been moved for this scan before (a second click, a replay). */
  outcome: 'moved' | 'already'
  equipment: ServiceEquipment
  ticket: string
}
