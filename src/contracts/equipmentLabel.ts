/**
 * What the barcodes on an equipment label mean — which is the serial, which is the MAC — and what
 * ERPNext accepts as a serial. Shared by the tablet (reading on the device, checking what the
 * technician typed) and the BFF (checking what it records), so both say the same.
 */

/** What a reading (on the device or by the hub) found on a photo. */
export interface Reading {
  serial: string | null
  mac: string | null
  brand: string | null
  model: string | null
}

export interface DecodedBarcode {
  format: string
  value: string
}

const MAC_PATTERNS = [
  /^[0-9A-F]{2}([:-])[0-9A-F]{2}(?:\1[0-9A-F]{2}){4}$/i,
  /^[0-9A-F]{12}$/i,
  /^[0-9A-F]{4}\.[0-9A-F]{4}\.[0-9A-F]{4}$/i,
]
/** Words printed before a value on a label ("S/N:", "MAC"), dropped before reading it. */
export const LABEL_PREFIX = /^(?:MAC(?:\s*ADDR(?:ESS)?)?|GPON\s*SN|S\/N|SN|SERIAL(?:\s*(?:NO|NUMBER))?)\s*[:#=]?\s*/i

export function isMac(value: string): boolean {
  return MAC_PATTERNS.some((p) => p.test(value.trim()))
}

/** `9ca2f4112233` or `9C-A2-…` → `9C:A2:F4:11:22:33`; null when it is not a MAC. */
export function formatMac(value: string): string | null {
  const v = value.trim()
  if (!isMac(v)) return null
  return v
    .replace(/[^0-9A-Fa-f]/g, '')
    .toUpperCase()
    .match(/../g)!
    .join(':')
}

/** Serials as printed on CPE labels: letters and digits (dashes allowed), at least one letter and two digits. */
export function isSerial(value: string): boolean {
  return /^[A-Z0-9][A-Z0-9-]{5,23}$/.test(value) && /[A-Z]/.test(value) && /\d.*\d/.test(value)
}

/** What ERPNext accepts as a serial (the BFF checks the same). */
export function isAcceptableSerial(value: string): boolean {
  return /^[A-Z0-9][A-Z0-9-]{2,39}$/.test(normalizeSerial(value))
}

/** The serial as the technician typed or corrected it: trimmed, upper case, no inner spaces. */
export function normalizeSerial(value: string): string {
  return value.trim().toUpperCase().replace(/\s+/g, '')
}

/** Key/value payloads some label QR codes carry: `SN:GPON1A2B3C4D;MAC:9CA2F4112233;MODEL:XX230v`. */
export function labelFields(value: string): Partial<Reading> {
  const out: Partial<Reading> = {}
  for (const part of value.split(/[;\n\r|,]+/)) {
    const m = /^\s*([A-Za-z/ ]+?)\s*[:=]\s*(.+?)\s*$/.exec(part)
    if (!m) continue
    const key = m[1].toUpperCase().replace(/\s+/g, '')
    const v = m[2]
    if (['SN', 'S/N', 'SERIAL', 'SERIALNO', 'SERIALNUMBER', 'GPONSN'].includes(key) && isSerial(v.toUpperCase()))
      out.serial = v.toUpperCase()
    else if (['MAC', 'MACADDRESS', 'MACADDR'].includes(key) && formatMac(v)) out.mac = formatMac(v)
    else if (['MODEL', 'MODELE', 'PN'].includes(key)) out.model = v
    else if (['BRAND', 'VENDOR', 'MANUFACTURER', 'MARQUE'].includes(key)) out.brand = v
  }
  return out
}

/** The serial and MAC among the barcodes of one photo (the first of each kind wins). */
export function readingFromBarcodes(barcodes: readonly DecodedBarcode[]): Reading {
  const reading: Reading = { serial: null, mac: null, brand: null, model: null }
  for (const b of barcodes) {
    const v = b.value.trim().replace(LABEL_PREFIX, '').trim()
    if (formatMac(v)) reading.mac ??= formatMac(v)
    else if (isSerial(v.toUpperCase())) reading.serial ??= v.toUpperCase()
    else {
      const f = labelFields(b.value)
      reading.serial ??= f.serial ?? null
      reading.mac ??= f.mac ?? null
      reading.brand ??= f.brand ?? null
      reading.model ??= f.model ?? null
    }
  }
  return reading
}
