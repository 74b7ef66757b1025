/**
 * What the barcodes on an equipment label mean: which is the serial, which is the MAC, and the
 * brand/model a serial's vendor prefix gives away. Pure functions, no image decoding here. The
 * serial and MAC rules are the contract's (src/contracts/equipmentLabel.ts), so the hub stand-in and
 * the tablet read a label the same way.
 */
import { formatMac, isMac, isSerial, labelFields, LABEL_PREFIX } from '../../../src/contracts/equipmentLabel'

export type BarcodeKind = 'serial' | 'mac' | 'unknown'

export interface Barcode {
  format: string
  value: string
  kind: BarcodeKind
}

export interface EquipmentLabel {
  brand: string | null
  model: string | null
  serial: string | null
  mac: string | null
}

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
  Code128: 'CODE_128',
  Code39: 'CODE_39',
  Code93: 'CODE_93',
  Codabar: 'CODABAR',
  ITF: 'ITF',
  EAN13: 'EAN_13',
  EAN8: 'EAN_8',
  UPCA: 'UPC_A',
  UPCE: 'UPC_E',
  QRCode: 'QR_CODE',
  MicroQRCode: 'MICRO_QR_CODE',
  DataMatrix: 'DATA_MATRIX',
  PDF417: 'PDF_417',
  Aztec: 'AZTEC',
  AztecCode: 'AZTEC',
}

/** zxing's `Code128` → `CODE_128`, the names the hub contract uses (as ML Kit / ZXing Java do). */
export function formatName(zxingFormat: string): string {
  return (
    FORMAT_NAMES[zxingFormat] ??
    zxingFormat
      .replace(/([a-z])([A-Z0-9])/g, '$1_$2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
      .toUpperCase()
  )
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
