import type { H3 } from 'h3'
import type { ErpUser } from '../../../../src/contracts/doctypes'
import type { ErpClient } from '../erp'
import { HubError, badRequest, readJsonObject } from '../errors'
import { applyFaults, type FaultPlan } from '../faults'
import { generateTempPassword, hashPassword, uniqueUsername } from './credentials'
import { STAFF_GROUPS, UserStore, type StoredUser } from './store'

/**
 * `GET /auth/users` and `POST /auth/users` — inviting staff. Production creates the user in
 * Authentik, e-mails a temporary password and creates the matching ERPNext User. The two systems
 * are not transactional: when ERPNext refuses, the Authentik-side user exists anyway, and the answer
 * says so (`erpnext.created: false`) for the admin to see — never silently.
 */

export interface UserRouteDeps {
  erp: ErpClient
  faults: FaultPlan
  now: () => Date
  store: Promise<UserStore>
}

/** Deliberately simple (what a person types), not RFC 5322: one @, a dotted domain, no spaces. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/

interface Invitation {
  email: string
  firstName: string
  lastName: string
  groups: string[]
}

export function validateInvitation(body: Record<string, unknown>): Invitation {
  const email = typeof body.email === 'string' ? body.email.trim() : ''
  if (!EMAIL.test(email) || email.length > 254)
    throw badRequest('INVALID_EMAIL', `"${email}" is not a valid e-mail address`)
  const name = (v: unknown, field: string) => {
    if (v === undefined || v === null) return ''
    if (typeof v !== 'string') throw badRequest('INVALID_NAME', `${field} must be a string`)
    return v.trim()
  }
  const groups = body.groups
  if (!Array.isArray(groups) || groups.length === 0)
    throw badRequest('GROUPS_REQUIRED', 'At least one group is required')
  const unknown = groups.filter((g) => typeof g !== 'string' || !(STAFF_GROUPS as readonly string[]).includes(g))
  if (unknown.length) {
    throw badRequest(
      'UNKNOWN_GROUP',
      `Unknown group(s): ${unknown.map((g) => JSON.stringify(g)).join(', ')} (allowed: ${STAFF_GROUPS.join(', ')})`,
    )
  }
  return {
    email,
    firstName: name(body.first_name, 'first_name'),
    lastName: name(body.last_name, 'last_name'),
    groups: [...new Set(groups as string[])],
  }
}

async function openStore(deps: UserRouteDeps): Promise<UserStore> {
  try {
    return await deps.store
  } catch (err) {
    throw new HubError(
      500,
      'USER_STORE_ERROR',
      `The user store could not be opened: ${err instanceof Error ? err.message : String(err)}`,
    )
  }
}

export function registerUserRoutes(app: H3, deps: UserRouteDeps): void {
  app.get('/auth/users', async () => {
    await applyFaults(deps.faults, 'users')
    return (await openStore(deps)).list()
  })

  app.post('/auth/users', async (event) => {
    await applyFaults(deps.faults, 'users')
    const invitation = validateInvitation(await readJsonObject(event.req))
    const store = await openStore(deps)

    // Check and reserve with no await in between, so two clicks can't create the user twice.
    if (store.findByEmail(invitation.email))
      throw new HubError(409, 'USER_EXISTS', `A user with e-mail ${invitation.email} already exists`)
    const username = uniqueUsername(invitation.email, store.usernames())
    const tempPassword = generateTempPassword()
    const now = deps.now()
    const user: StoredUser = {
      username,
      email: invitation.email,
      name: `${invitation.firstName} ${invitation.lastName}`.trim() || username,
      first_name: invitation.firstName,
      last_name: invitation.lastName,
      groups: invitation.groups,
      active: true,
      password_hash: null,
      created_at: now.toISOString(),
    }
    store.reserve(user)
    try {
      user.password_hash = await hashPassword(tempPassword)
      await store.persist()
    } catch (err) {
      store.release(user)
      throw new HubError(
        500,
        'USER_STORE_ERROR',
        `The user could not be saved: ${err instanceof Error ? err.message : String(err)}`,
      )
    }

    // The embedded outbox sits on disk: it records the invitation but not the password itself,
    // which only ever exists in this answer (and, in production, in the e-mail).
    const emailed = await store.sendMail({
      to: invitation.email,
      subject: 'Votre accès à Gigafibre Ops',
      template: 'staff-invitation',
      username,
      name: user.name,
      password: '[temporary password — shown once to the inviting admin]',
      at: now.toISOString(),
    })

    let erpnext: { created: true; name: string } | { created: false; error: string }
    try {
      const doc = await deps.erp.insert<ErpUser>('User', {
        email: invitation.email,
        first_name: invitation.firstName,
        last_name: invitation.lastName,
        user_type: 'System User',
        enabled: 1,
        social_logins: [{ provider: 'authentik', userid: invitation.email }],
      })
      erpnext = { created: true, name: doc.name }
    } catch (err) {
      erpnext = { created: false, error: err instanceof Error ? err.message : String(err) }
    }

    return new Response(
      JSON.stringify({
        username,
        email: invitation.email,
        name: user.name,
        groups: invitation.groups,
        temp_password: tempPassword,
        emailed,
        erpnext,
      }),
      { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' } },
    )
  })
}
