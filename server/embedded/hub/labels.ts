/**
 * What the barcodes on an equipment label mean: which is the serial, which is the MAC, and the
 * brand/model a serial's vendor prefix gives away. Pure functions, no image decoding here.
 */

export type BarcodeKind = 'serial' | 'mac' | 'unknown'

export interface Barcode { format: string; value: string; kind: BarcodeKind }

export interface EquipmentLabel { brand: string | null; model: string | null; serial: string | null; mac: string | null }

/** GPON vendor ids (the first 4 characters of an ONT serial) and the model Gigafibre deploys. */
export const SERIAL_PREFIXES: Readonly<Record<string, { brand: string; model: string }>> = {
  TPLG: { brand: 'TP-Link', model: 'XX230v' },
  GPON: { brand: 'TP-Link', model: 'XX230v' },
  DECO: { brand: 'TP-Link', model: 'Deco X50' },
  HWTC: { brand: 'Huawei', model: 'HG8245X6' },
  ZTEG: { brand: 'ZTE', model: 'F670L' },
  ALCL: { brand: 'Nokia', model: 'G-2425G-A' },
  SCOM: { brand: 'Sercomm', model: 'FG1000B' },
  CIGG: { brand: 'CIG', model: 'G-97RG6M' },
}

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  Code128: 'CODE_128', Code39: 'CODE_39', Code93: 'CODE_93', Codabar: 'CODABAR', ITF: 'ITF',
  EAN13: 'EAN_13', EAN8: 'EAN_8', UPCA: 'UPC_A', UPCE: 'UPC_E', QRCode: 'QR_CODE', MicroQRCode: 'MICRO_QR_CODE',
  DataMatrix: 'DATA_MATRIX', PDF417: 'PDF_417', Aztec: 'AZTEC', AztecCode: 'AZTEC',
}

/** zxing's `Code128` → `CODE_128`, the names the hub contract uses (as ML Kit / ZXing Java do). */
export function formatName(zxingFormat: string): string {
  return FORMAT_NAMES[zxingFormat]
    ?? zxingFormat.replace(/([a-z])([A-Z0-9])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toUpperCase()
}

const LABEL_PREFIX = /^(?:MAC(?:\s*ADDR(?:ESS)?)?|GPON\s*SN|S\/N|SN|SERIAL(?:\s*(?:NO|NUMBER))?)\s*[:#=]?\s*/i

const MAC_PATTERNS = [
  /^[0-9A-F]{2}([:-])[0-9A-F]{2}(?:\1[0-9A-F]{2}){4}$/i,
  /^[0-9A-F]{12}$/i,
  /^[0-9A-F]{4}\.[0-9A-F]{4}\.[0-9A-F]{4}$/i,
]

export function isMac(value: string): boolean {
  return MAC_PATTERNS.some((p) => p.test(value))
}

export function formatMac(value: string): string {
  return value.replace(/[^0-9A-Fa-f]/g, '').toUpperCase().match(/../g)!.join(':')
}

/**
 * A serial as printed on CPE labels: 6–24 upper-case letters/digits (dashes allowed), with at least
 * one letter and two digits — so a GTIN (digits only) or a word is not mistaken for one.
 */
export function isSerial(value: string): boolean {
  return /^[A-Z0-9][A-Z0-9-]{5,23}$/.test(value) && /[A-Z]/.test(value) && /\d.*\d/.test(value)
}

function stripLabel(value: string): string {
  return value.trim().replace(LABEL_PREFIX, '').trim()
}

export function barcodeKind(value: string): BarcodeKind {
  const v = stripLabel(value)
  if (isMac(v)) return 'mac'
  if (isSerial(v)) return 'serial'
  return 'unknown'
}

/** `SN:GPON1A2B3C4D;MAC:9CA2F4112233;MODEL:XX230v` — the key/value payload some label QR codes carry. */
function labelFields(value: string): Partial<EquipmentLabel> {
  const out: Partial<EquipmentLabel> = {}
  for (const part of value.split(/[;\n\r|,]+/)) {
    const m = /^\s*([A-Za-z/ ]+?)\s*[:=]\s*(.+?)\s*$/.exec(part)
    if (!m) continue
    const key = m[1].toUpperCase().replace(/\s+/g, '')
    const v = m[2]
    if (['SN', 'S/N', 'SERIAL', 'SERIALNO', 'SERIALNUMBER', 'GPONSN'].includes(key) && isSerial(v.toUpperCase())) out.serial = v.toUpperCase()
    else if (['MAC', 'MACADDRESS', 'MACADDR'].includes(key) && isMac(v)) out.mac = formatMac(v)
    else if (['MODEL', 'MODELE', 'PN'].includes(key)) out.model = v
    else if (['BRAND', 'VENDOR', 'MANUFACTURER', 'MARQUE'].includes(key)) out.brand = v
  }
  return out
}

export function equipmentFromBarcodes(barcodes: readonly Barcode[]): EquipmentLabel {
  let serial: string | null = null
  let mac: string | null = null
  let brand: string | null = null
  let model: string | null = null
  for (const b of barcodes) {
    if (b.kind === 'serial') serial ??= stripLabel(b.value).toUpperCase()
    else if (b.kind === 'mac') mac ??= formatMac(stripLabel(b.value))
    else {
      const fields = labelFields(b.value)
      serial ??= fields.serial ?? null
      mac ??= fields.mac ?? null
      brand ??= fields.brand ?? null
      model ??= fields.model ?? null
    }
  }
  const vendor = serial ? SERIAL_PREFIXES[serial.slice(0, 4)] : undefined
  return { brand: brand ?? vendor?.brand ?? null, model: model ?? vendor?.model ?? null, serial, mac }
}
