/**
 * The technician form's rules: what a valid technician is, how typed values become the document
 * ERPNext stores, and which fields a colleague changed when a save is refused as stale.
 */
import type { Technician } from 'src/contracts/doctypes'
import { EMAIL } from './invitation'

export interface TechnicianDraft {
  full_name: string
  email: string
  mobile_no: string
  color: string
  shift_start: string
  shift_end: string
  traccar_device_id: string
  tags: string[]
  status: 'Active' | 'Inactive'
}

export type TechnicianErrorKey =
  'fullName' | 'email' | 'phone' | 'color' | 'time' | 'shiftOrder' | 'shiftPair' | 'traccar'
export type TechnicianProblems = Partial<Record<keyof TechnicianDraft, TechnicianErrorKey>>

export const DEFAULT_COLOR = '#1E88E5'

export function emptyDraft(): TechnicianDraft {
  return {
    full_name: '',
    email: '',
    mobile_no: '',
    color: DEFAULT_COLOR,
    shift_start: '08:00',
    shift_end: '16:30',
    traccar_device_id: '',
    tags: [],
    status: 'Active',
  }
}

export function draftOf(doc: Technician): TechnicianDraft {
  return {
    full_name: doc.full_name ?? '',
    email: doc.email ?? '',
    mobile_no: doc.mobile_no ?? '',
    color: doc.color ?? '',
    shift_start: doc.shift_start ?? '',
    shift_end: doc.shift_end ?? '',
    traccar_device_id:
      doc.traccar_device_id === undefined || doc.traccar_device_id === null ? '' : String(doc.traccar_device_id),
    tags: (doc.tags ?? []).map((r) => r.tag),
    status: doc.status === 'Inactive' ? 'Inactive' : 'Active',
  }
}

/** A North American number as typed ("514 555-1234", "(514) 555-1234", "+1 514…") → E.164, or null. */
export function normalizePhone(typed: string): string | null {
  const digits = typed.replace(/[\s().-]/g, '').replace(/^\+/, '')
  if (!/^\d+$/.test(digits)) return null
  if (digits.length === 10 && /^[2-9]/.test(digits)) return `+1${digits}`
  if (digits.length === 11 && digits.startsWith('1') && /^[2-9]/.test(digits.slice(1))) return `+${digits}`
  return null
}

/** How a number reads in a list: "514 555-1234" for any valid North American number, else as stored. */
export function displayPhone(stored: string): string {
  const e164 = normalizePhone(stored)
  return e164 ? `${e164.slice(2, 5)} ${e164.slice(5, 8)}-${e164.slice(8)}` : stored
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/

export function technicianProblems(d: TechnicianDraft): TechnicianProblems {
  const p: TechnicianProblems = {}
  if (!d.full_name.trim()) p.full_name = 'fullName'
  if (!EMAIL.test(d.email.trim())) p.email = 'email'
  if (d.mobile_no.trim() && !normalizePhone(d.mobile_no)) p.mobile_no = 'phone'
  if (d.color && !/^#[0-9A-Fa-f]{6}$/.test(d.color)) p.color = 'color'
  if (d.shift_start && !TIME.test(d.shift_start)) p.shift_start = 'time'
  if (d.shift_end && !TIME.test(d.shift_end)) p.shift_end = 'time'
  if (!p.shift_start && !p.shift_end) {
    if (Boolean(d.shift_start) !== Boolean(d.shift_end)) p[d.shift_start ? 'shift_end' : 'shift_start'] = 'shiftPair'
    else if (d.shift_start && d.shift_end <= d.shift_start) p.shift_end = 'shiftOrder'
  }
  const traccar = d.traccar_device_id.trim()
  if (traccar && !(/^\d{1,9}$/.test(traccar) && Number(traccar) > 0)) p.traccar_device_id = 'traccar'
  return p
}

/** The document to send: trimmed, phone in E.164, empty values cleared, tags as child rows. */
export function technicianDoc(d: TechnicianDraft): Record<string, unknown> {
  const text = (v: string) => (v.trim() ? v.trim() : null)
  return {
    full_name: d.full_name.trim(),
    email: d.email.trim().toLowerCase(),
    mobile_no: d.mobile_no.trim() ? normalizePhone(d.mobile_no) : null,
    color: text(d.color.toUpperCase()),
    shift_start: text(d.shift_start),
    shift_end: text(d.shift_end),
    traccar_device_id: d.traccar_device_id.trim() ? Number(d.traccar_device_id.trim()) : null,
    tags: d.tags.map((tag) => ({ tag })),
    status: d.status,
  }
}

/** Fields whose value differs between two versions of a technician (what a colleague changed). */
export function changedFields(before: Technician, after: Technician): (keyof TechnicianDraft)[] {
  const a = draftOf(before)
  const b = draftOf(after)
  return (Object.keys(a) as (keyof TechnicianDraft)[]).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
}
