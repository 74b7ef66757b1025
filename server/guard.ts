/**
 * The capability guard of every BFF route: deny by default, 401 before 403. It throws a Refusal,
 * which the app's one onError turns into the bilingual answer.
 */
import type { H3Event } from 'h3'
import type { Capability } from '../src/contracts/capabilities'
import { forbidden, unauthenticated } from './errors'
import type { RequestUser } from './session'

export interface Identifies {
  user(event: H3Event): RequestUser | null
}

/** The signed-in staff member, or 401. */
export function requireUser(ctx: Identifies, event: H3Event): RequestUser {
  const user = ctx.user(event)
  if (!user) throw unauthenticated()
  return user
}

/** The signed-in staff member when they hold one of `anyOf`, else 401 or 403. */
export function requireCapability(ctx: Identifies, event: H3Event, ...anyOf: Capability[]): RequestUser {
  const user = requireUser(ctx, event)
  if (!anyOf.some((c) => user.capabilities.includes(c))) throw forbidden()
  return user
}
