/**
 * Rules that belong to one doctype rather than to a field type: what Frappe would put in the
 * doctype's controller (validate()). Kept apart so the generic document code stays generic.
 */
import { validationError } from './errors'
import type { SqlValue } from './values'

export type DocValues = Record<string, SqlValue>

/** "aa-bb-cc-dd-ee-ff", "aabb.ccdd.eeff", "AA:BB:…" → "AA:BB:CC:DD:EE:FF"; anything else is refused. */
export function normalizeMac(value: string): string {
  const hex = value.trim().replace(/[\s:.-]/g, '')
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) {
    throw validationError(`MAC Address "${value}" is not valid; expected six hex pairs like AA:BB:CC:DD:EE:FF`)
  }
  return hex.toUpperCase().match(/../g)!.join(':')
}

const FIELD_NORMALIZERS: Partial<Record<string, Partial<Record<string, (value: string) => string>>>> = {
  'Service Equipment': { mac_address: normalizeMac },
}

const DOC_VALIDATORS: Partial<Record<string, (doc: DocValues) => void>> = {
  'Dispatch Job': (doc) => {
    const d = doc.duration_minutes
    // Frappe stores an empty Int as 0, which this rule refuses too.
    if (typeof d !== 'number' || d <= 0) throw validationError('Duration Minutes must be greater than 0')
  },
}

export function normalizeField(doctype: string, fieldname: string, value: SqlValue): SqlValue {
  const normalize = FIELD_NORMALIZERS[doctype]?.[fieldname]
  return normalize && typeof value === 'string' ? normalize(value) : value
}

export function validateDocument(doctype: string, doc: DocValues): void {
  DOC_VALIDATORS[doctype]?.(doc)
}
