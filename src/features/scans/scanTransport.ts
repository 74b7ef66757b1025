/**
 * The queue's network side, through the BFF: the hub reads a photo (`/vision/barcodes` or
 * `/vision/equipment`, 8 s at most, with the scan id as Idempotency-Key), and ERPNext records the
 * equipment (`PUT /tech/scans/{scanId}`, idempotent by the same id). Failures are ApiErrors.
 */
import { api, ApiError, toApiError } from '../../api/http'
import type { ScanSaveAnswer, ScanSaveRequest } from '../../contracts/tech'
import type { ScanTransport } from './scanQueue'
import { formatMac, readingFromBarcodes, type DecodedBarcode, type Reading } from './scanRecord'

/** The hub calls Gemini in production, which can take seconds; past this the photo waits in the queue. */
export const HUB_READ_TIMEOUT_MS = 8_000

interface HubAnswer {
  barcodes?: DecodedBarcode[]
  brand?: string | null
  model?: string | null
  serial?: string | null
  mac?: string | null
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null)

/** The hub's answer, checked once where it enters. */
export function readingFromHub(answer: unknown): Reading {
  const a = (answer && typeof answer === 'object' ? answer : {}) as HubAnswer
  const barcodes = Array.isArray(a.barcodes)
    ? a.barcodes
        .filter((b): b is DecodedBarcode => !!b && typeof b.value === 'string')
        .map((b) => ({ format: String(b.format ?? ''), value: b.value }))
    : []
  const fromCodes = readingFromBarcodes(barcodes)
  const serial = text(a.serial)
  const mac = text(a.mac)
  return {
    serial: serial ? serial.toUpperCase() : fromCodes.serial,
    mac: (mac && formatMac(mac)) ?? fromCodes.mac,
    brand: text(a.brand) ?? fromCodes.brand,
    model: text(a.model) ?? fromCodes.model,
  }
}

/** The hub speaks English to programs; a refused photo is told to the technician in their words. */
function inWords(e: ApiError): ApiError {
  if (e.status === 413) {
    return new ApiError(
      e.status,
      e.code,
      {
        fr: 'La photo est trop lourde pour être lue par le serveur. Reprenez-la de plus près ou saisissez le numéro de série.',
        en: 'The photo is too large for the server to read. Take it again closer, or type the serial number in.',
      },
      e.body,
    )
  }
  if (
    e.status >= 400 &&
    e.status < 500 &&
    e.status !== 401 &&
    e.status !== 403 &&
    e.status !== 408 &&
    e.status !== 429
  ) {
    return new ApiError(
      e.status,
      e.code,
      {
        fr: `Le serveur n’a pas pu lire cette photo (${e.sentence.en}). Reprenez-la ou saisissez le numéro de série.`,
        en: `The server could not read this photo (${e.sentence.en}). Take it again, or type the serial number in.`,
      },
      e.body,
    )
  }
  return e
}

export function httpScanTransport(timeoutMs = HUB_READ_TIMEOUT_MS): ScanTransport {
  return {
    async read(scan) {
      const form = new FormData()
      form.append('image', scan.photo!, scan.photo!.type === 'image/png' ? 'scan.png' : 'scan.jpg')
      const controller = new AbortController()
      const timer = setTimeout(
        () => controller.abort(new DOMException('The hub did not read the photo in time', 'TimeoutError')),
        timeoutMs,
      )
      try {
        const answer = await api<unknown>(`/hub/vision/${scan.reader}`, {
          method: 'POST',
          body: form,
          headers: { 'Idempotency-Key': scan.id },
          signal: controller.signal,
        })
        return readingFromHub(answer)
      } catch (err) {
        throw inWords(toApiError(err))
      } finally {
        clearTimeout(timer)
      }
    },
    save(scan) {
      const body: ScanSaveRequest = {
        job: scan.job,
        serial_no: scan.values.serial_no,
        mac_address: scan.values.mac_address,
        equipment_type: scan.values.equipment_type,
        brand: scan.values.brand,
        model: scan.values.model,
      }
      return api<ScanSaveAnswer>(`/tech/scans/${encodeURIComponent(scan.id)}`, { method: 'PUT', body })
    },
  }
}
