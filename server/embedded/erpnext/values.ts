/**
 * Turning what a client sent into what a column stores, per field type. Frappe coerces silently
 * (cint("abc") = 0); here a value that cannot be the field's type is refused with a 417, so a bug
 * in a client shows up as an error instead of as a zero in the database.
 */
import type { FieldDef } from '../../../src/contracts/doctypes'
import { validationError } from './errors'
import { humanLabel } from './schema'

export type SqlValue = string | number | null

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate()
}

export function normalizeDate(value: string): string | null {
  const m = DATE.exec(value.trim())
  return m && validDay(+m[1], +m[2], +m[3]) ? m[0] : null
}

/**
 * "YYYY-MM-DD HH:MM:SS[.ffffff]" as sent: a fraction is kept (padded to microseconds), an absent
 * one stays absent, seconds are added when only HH:MM came. Both stored forms sort correctly as
 * text because "A" sorts before "A.ffffff" (see `datetimeBounds` for the one equal-instant case).
 */
export function normalizeDatetime(value: string): string | null {
  const m = DATETIME.exec(value.trim())
  if (!m) return null
  const [, y, mo, d, h, mi, s = '00', frac] = m
  if (!validDay(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return null
  return `${y}-${mo}-${d} ${h}:${mi}:${s}${frac === undefined ? '' : '.' + frac.padEnd(6, '0')}`
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value))
}

/** The stored value of one field, or a 417 naming the field. Empty values are stored as NULL. */
export function coerceFieldValue(doctype: string, field: FieldDef, raw: unknown): SqlValue {
  const label = humanLabel(field.fieldname)
  if (field.fieldtype === 'Check') {
    if (raw === undefined || raw === null || raw === '') return 0
    if (raw === true || raw === 1 || raw === '1') return 1
    if (raw === false || raw === 0 || raw === '0') return 0
    throw validationError(`${label} must be 0 or 1 in ${doctype}, not ${describe(raw)}`)
  }
  if (raw === undefined || raw === null || raw === '') return null
  switch (field.fieldtype) {
    case 'Int': {
      const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
        throw validationError(`${label} must be a whole number in ${doctype}, not ${describe(raw)}`)
      }
      return n
    }
    case 'Float':
    case 'Currency': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        throw validationError(`${label} must be a number in ${doctype}, not ${describe(raw)}`)
      }
      return n
    }
    case 'Date': {
      const v = typeof raw === 'string' ? normalizeDate(raw) : null
      if (v === null) throw validationError(`${label} must be a date "YYYY-MM-DD" in ${doctype}, not ${describe(raw)}`)
      return v
    }
    case 'Datetime': {
      const v = typeof raw === 'string' ? normalizeDatetime(raw) : null
      if (v === null) {
        throw validationError(`${label} must be a datetime "YYYY-MM-DD HH:MM:SS" in ${doctype}, not ${describe(raw)}`)
      }
      return v
    }
    default: {
      if (typeof raw !== 'string' && typeof raw !== 'number') {
        throw validationError(`${label} must be text in ${doctype}, not ${describe(raw)}`)
      }
      const text = String(raw)
      if (field.fieldtype === 'Select' && field.choices && !field.choices.includes(text)) {
        throw validationError(
          `${label} cannot be "${text}". It should be one of ${field.choices.map((c) => `"${c}"`).join(', ')}`,
        )
      }
      return text
    }
  }
}

/** A value bound into a filter: booleans become 0/1; anything structured is refused. */
export function bindable(value: unknown, fieldname: string): SqlValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string' || typeof value === 'number') return value
  throw validationError(`Filter value for ${fieldname} must be text or a number, not ${describe(value)}`)
}
