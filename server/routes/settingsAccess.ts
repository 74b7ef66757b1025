/** The capability check of the Paramètres routes: deny by default, 401 before 403. */
import type { Capability } from '../../src/contracts/capabilities'
import { bffError, SENTENCES } from '../errors'
import type { RequestUser } from '../session'

/** The user when they hold `capability`, else the refusal to answer with (401 or 403). */
export function requireCapability(req: Request, user: RequestUser | null, capability: Capability): Response | RequestUser {
  if (!user) return bffError(req, 401, 'UNAUTHENTICATED', SENTENCES.unauthenticated)
  if (!user.capabilities.includes(capability)) return bffError(req, 403, 'FORBIDDEN', SENTENCES.forbidden)
  return user
}
