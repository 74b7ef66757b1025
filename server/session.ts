/**
 * Turns a request into a staff member: identity from Authentik's headers (trusted peers only),
 * or, in demo mode, from the persona the user picked; then capabilities from the group table.
 */
import type { Capability } from '../src/contracts/capabilities'
import { PERSONAS } from '../src/contracts/personas'
import type { Config } from './config'
import {
  hasRepeatedIdentityHeader,
  identityFromHeaders,
  isTrustedPeer,
  rawIdentityHeaders,
  type HeaderSource,
  type Identity,
} from './identity'
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

/**
 * What one app remembers across requests, both bounded: each peer's verdict (peers are a few
 * proxies) and each distinct set of identity headers' staff member (the same few dozen staff ask
 * again and again). A remembered staff member is frozen: shared between requests, never changed.
 */
export interface UserMemo {
  trusted: Map<string, boolean>
  users: Map<string, Readonly<RequestUser>>
}

const MEMO_SIZE = 1_024

export const createUserMemo = (): UserMemo => ({ trusted: new Map(), users: new Map() })

function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (memo.size >= MEMO_SIZE) memo.clear()
  memo.set(key, value)
  return value
}

function trustedPeer(peer: string, config: Config, memo?: UserMemo): boolean {
  const known = memo?.trusted.get(peer)
  if (known !== undefined) return known
  const verdict = isTrustedPeer(peer, config.trustedProxies)
  return memo ? remember(memo.trusted, peer, verdict) : verdict
}

/** The identity headers that decide who a request is and what they may do. */
const IDENTITY_FIELDS = ['x-authentik-email', 'x-authentik-username', 'x-authentik-name', 'x-authentik-groups']

/** The identity headers found in the raw list, read as a request's headers are. */
class MapHeaders implements HeaderSource {
  constructor(private readonly found: Map<string, string>) {}
  get(name: string): string | null {
    return this.found.get(name) ?? null
  }
}

/** The key a staff member is remembered by: their identity headers' values. */
function memoKey(headers: HeaderSource): string {
  const values: string[] = []
  for (const name of IDENTITY_FIELDS) values.push(headers.get(name) ?? '')
  return JSON.stringify(values)
}

/**
 * `rawHeaders` are the headers as they arrived (Node's rawHeaders, names and values alternating),
 * when the server adapter has them: an identity header sent twice (a proxy's and a client's) is
 * refused rather than merged. `memo` remembers peers' verdicts and staff members across requests.
 */
export function resolveUser(
  req: Request,
  peer: string | undefined,
  config: Config,
  rawHeaders?: readonly string[],
  memo?: UserMemo,
): RequestUser | null {
  if (!peer || !trustedPeer(peer, config, memo)) return null
  let headers: HeaderSource
  if (rawHeaders) {
    const found = rawIdentityHeaders(rawHeaders)
    if (!found) return null
    headers = new MapHeaders(found)
  } else {
    if (hasRepeatedIdentityHeader(req.headers)) return null
    headers = req.headers
  }
  const key = memo ? memoKey(headers) : ''
  const known = memo?.users.get(key)
  if (known) return known
  const identity = identityFromHeaders(headers)
  if (identity) {
    const user = { ...identity, capabilities: capabilitiesOf(identity.groups, config.capabilityMap) }
    if (!memo) return user
    Object.freeze(user.groups)
    Object.freeze(user.capabilities)
    return remember(memo.users, key, Object.freeze(user))
  }
  if (!config.demo) return null
  const persona = PERSONAS.find((p) => p.id === cookie(req, DEMO_PERSONA_COOKIE))
  if (!persona) return null
  const chosen = { email: persona.email, username: persona.username, name: persona.name, groups: [...persona.groups] }
  return { ...chosen, capabilities: capabilitiesOf(chosen.groups, config.capabilityMap) }
}
