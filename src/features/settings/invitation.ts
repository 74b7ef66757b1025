/**
 * Inviting a staff member: what is checked before sending, how the hub's answer is read, and how
 * each refusal reads as a sentence. No Vue, no HTTP: tested directly.
 */
import type { ApiError } from 'src/api/http'

/** What a person types: one @, a dotted domain, no spaces (the hub applies the same rule). */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/

export interface InvitationDraft {
  email: string
  firstName: string
  lastName: string
  groups: string[]
}

export interface InvitationProblems {
  email?: 'badEmail'
  groups?: 'noGroup'
}

export function invitationProblems(d: InvitationDraft): InvitationProblems {
  const problems: InvitationProblems = {}
  const email = d.email.trim()
  if (!EMAIL.test(email) || email.length > 254) problems.email = 'badEmail'
  if (d.groups.length === 0) problems.groups = 'noGroup'
  return problems
}

export function invitationBody(d: InvitationDraft) {
  return { email: d.email.trim(), first_name: d.firstName.trim(), last_name: d.lastName.trim(), groups: [...d.groups] }
}

/** The hub's 201 answer. `erpnext` is the embedded hub's report of the second step; a hub may omit it. */
export interface InvitationResult {
  username: string
  email: string
  groups: string[]
  tempPassword: string
  emailed: boolean
  erpnext: { created: true } | { created: false; error: string } | null
}

/** Reads the hub's answer once, at the edge; anything missing a password is not a success. */
export function readInvitationResult(v: unknown): InvitationResult | null {
  if (!v || typeof v !== 'object') return null
  const o = v as Record<string, unknown>
  if (typeof o.temp_password !== 'string' || !o.temp_password || typeof o.username !== 'string') return null
  const erp = o.erpnext as Record<string, unknown> | undefined
  let erpnext: InvitationResult['erpnext'] = null
  if (erp && erp.created === true) erpnext = { created: true }
  else if (erp && erp.created === false)
    erpnext = { created: false, error: typeof erp.error === 'string' && erp.error ? erp.error : '?' }
  return {
    username: o.username,
    email: typeof o.email === 'string' ? o.email : '',
    groups: Array.isArray(o.groups) ? o.groups.filter((g): g is string => typeof g === 'string') : [],
    tempPassword: o.temp_password,
    emailed: o.emailed === true,
    erpnext,
  }
}

/** An i18n key with its parameters, or a sentence the BFF already wrote in both languages. */
export type Refusal = { key: string; params: Record<string, string> } | { text: string }

/**
 * The hub answers `{error: {code, message}}` in English only; the BFF's own refusals (403, hub
 * down, timeout) come with both languages. 409 always means the e-mail is taken.
 */
export function invitationRefusal(err: ApiError, email: string, locale: string): Refusal {
  const body = (err.body ?? {}) as { error?: { message?: string; messages?: unknown } }
  const bilingual = Boolean(body.error?.messages)
  const detail = body.error?.message ?? err.text(locale)
  if (err.status === 409) return { key: 'settings.invite.exists', params: { email: email.trim() } }
  if (err.code === 'GROUPS_REQUIRED') return { key: 'settings.invite.noGroup', params: {} }
  if (err.code === 'UNKNOWN_GROUP') return { key: 'settings.invite.unknownGroup', params: { detail } }
  if (err.code === 'INVALID_EMAIL') return { key: 'settings.invite.refusedEmail', params: { detail } }
  if (bilingual || err.offline) return { text: err.text(locale) }
  return { key: 'settings.invite.failed', params: { detail } }
}
