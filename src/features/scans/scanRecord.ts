/**
 * A scan as the queue keeps it, from the photo to the equipment confirmed by ERPNext, and the pure
 * rules around it: what a reading means, which failures are worth retrying, how long to wait.
 */
import type { EquipmentType } from '../../contracts/tech'
import { isTransferRefusal } from '../../contracts/equipmentTransfer'
import type { DecodedBarcode, Reading } from '../../contracts/equipmentLabel'
import type { PhotoScaleFailure } from './photoScale'

export {
  formatMac,
  isAcceptableSerial,
  isMac,
  isSerial,
  normalizeSerial,
  readingFromBarcodes,
} from '../../contracts/equipmentLabel'
export type { DecodedBarcode, Reading }

/** How far a scan got. It leaves the queue once `saved`. */
export type ScanStep = 'captured' | 'decoded' | 'confirmed' | 'saved'

/**
 * Who acts next: `review` — the technician, looking at what was read; `waiting` — the queue (the
 * hub reads the photo, or ERPNext records the equipment); `attention` — the technician again,
 * after a refusal that retrying will not fix.
 */
export type ScanState = 'review' | 'waiting' | 'attention'

/** Which hub reading the photo gets: its barcodes, or the whole equipment label. */
export type HubReader = 'barcodes' | 'equipment'

export interface ScanValues {
  serial_no: string
  mac_address: string | null
  equipment_type: EquipmentType
  brand: string | null
  model: string | null
}

export interface ScanError {
  code: string
  status: number
  fr: string
  en: string
  at: number
}

export interface ScanRecord {
  id: string
  createdAt: number
  updatedAt: number
  job: string
  location: string | null
  customerName: string | null
  technician: string
  photo: Blob | null
  /** Bytes of the photo as kept on the tablet (absent on scans queued before photos were shrunk). */
  photoBytes?: number
  /** Bytes of the photo as the camera gave it. */
  originalBytes?: number
  /** Why the photo is kept as taken instead of shrunk; absent when it was shrunk (or light enough). */
  photoUnscaled?: PhotoScaleFailure
  reader: HubReader
  step: ScanStep
  state: ScanState
  values: ScanValues
  readBy: 'device' | 'hub' | 'hand' | null
  attempts: number
  /** Epoch ms before which the queue does not try again (backoff). */
  nextAttemptAt: number
  lastError: ScanError | null
}

/** Whether a failure is worth trying again later (the network, a busy or broken upstream). */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 401 || status === 408 || status === 429 || status >= 500
}

/**
 * A refusal that waits on the office, not on the technician: equipment registered at another
 * customer, whose transfer dispatch or customer service confirms. The same scan, sent again once
 * it is confirmed, goes through (and records nothing twice: the scan id is the key).
 */
export function awaitsTransfer(error: Pick<ScanError, 'code'> | null): boolean {
  return !!error && isTransferRefusal(error.code)
}

export const BACKOFF = { baseMs: 2_000, capMs: 60_000 }

/**
 * Exponential backoff with jitter: 2 s, 4 s, 8 s… up to a minute, each drawn between half and
 * all of it, so tablets coming back online together do not retry in lockstep.
 */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(ceiling * (0.5 + random() / 2))
}

/** A scan id: unique, unguessable, safe in a URL and as an Idempotency-Key. */
export function newScanId(): string {
  return `scan-${crypto.randomUUID()}`
}
