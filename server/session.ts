/**
 * Turns a request into a staff member: identity from Authentik's headers (trusted peers only),
 * or, in demo mode, from the persona the user picked; then capabilities from the group table.
 */
import type { Capability } from '../src/contracts/capabilities'
import { PERSONAS } from '../src/contracts/personas'
import type { Config } from './config'
import { hasRepeatedIdentityHeader, identityFromHeaders, isTrustedPeer, type Identity } from './identity'
import { capabilitiesOf } from './policy'

export interface RequestUser extends Identity {
  capabilities: Capability[]
}

export const DEMO_PERSONA_COOKIE = 'ops_demo_persona'

function cookie(req: Request, name: string): string | null {
  for (const part of (req.headers.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return null
}

/** Peers are a few proxies: each one's verdict is remembered in `memo` (bounded). */
function trustedPeer(peer: string, config: Config, memo?: Map<string, boolean>): boolean {
  const known = memo?.get(peer)
  if (known !== undefined) return known
  const verdict = isTrustedPeer(peer, config.trustedProxies)
  if (memo) {
    if (memo.size >= 1_024) memo.clear()
    memo.set(peer, verdict)
  }
  return verdict
}

/**
 * `rawHeaderNames` are the header names as they arrived, when the server adapter has them: an
 * identity header sent twice (a proxy's and a client's) is refused rather than merged. `trusted`
 * remembers each peer's verdict across requests.
 */
export function resolveUser(
  req: Request,
  peer: string | undefined,
  config: Config,
  rawHeaderNames?: readonly string[],
  trusted?: Map<string, boolean>,
): RequestUser | null {
  if (!peer || !trustedPeer(peer, config, trusted)) return null
  if (hasRepeatedIdentityHeader(req.headers, rawHeaderNames)) return null
  let identity: Identity | null = identityFromHeaders(req.headers)
  if (!identity && config.demo) {
    const persona = PERSONAS.find((p) => p.id === cookie(req, DEMO_PERSONA_COOKIE))
    if (persona)
      identity = { email: persona.email, username: persona.username, name: persona.name, groups: [...persona.groups] }
  }
  if (!identity) return null
  return { ...identity, capabilities: capabilitiesOf(identity.groups, config.capabilityMap) }
}
