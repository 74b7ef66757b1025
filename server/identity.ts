/**
 * Who is asking. Authentik's outpost, behind Traefik, adds X-authentik-* headers; they are
 * believed only when the TCP peer is one of TRUSTED_PROXIES. From anyone else they are ignored,
 * because any client can send such headers.
 */
import { isIP } from 'node:net'

export interface ProxyRange {
  bytes: Uint8Array
  prefix: number
}

export interface Identity {
  email: string
  username: string
  name: string
  groups: string[]
}

/** An address as 16 bytes (IPv4 mapped into IPv6), or null when it is not an IP address. */
export function addressBytes(address: string): Uint8Array | null {
  let a = address.trim()
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1)
  const zone = a.indexOf('%')
  if (zone >= 0) a = a.slice(0, zone)
  const kind = isIP(a)
  if (kind === 4) {
    const out = new Uint8Array(16)
    out[10] = 0xff
    out[11] = 0xff
    a.split('.').forEach((part, i) => {
      out[12 + i] = Number(part)
    })
    return out
  }
  if (kind !== 6) return null
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  if (v4Tail) {
    const v4 = addressBytes(v4Tail[1])!
    const head = a.slice(0, -v4Tail[1].length)
    const hex = (i: number) => ((v4[i] << 8) | v4[i + 1]).toString(16)
    a = `${head}${hex(12)}:${hex(14)}`
  }
  const [left, right] = a.split('::')
  const l = left ? left.split(':') : []
  const r = right !== undefined ? (right ? right.split(':') : []) : []
  const groups = right !== undefined ? [...l, ...Array(8 - l.length - r.length).fill('0'), ...r] : l
  const out = new Uint8Array(16)
  groups.forEach((g, i) => {
    const n = parseInt(g, 16)
    out[i * 2] = n >> 8
    out[i * 2 + 1] = n & 0xff
  })
  return out
}

/** One address or one CIDR, written exactly: no spaces, no empty prefix, digits only after the slash. */
const PROXY_ENTRY = /^([0-9A-Fa-f:.]+)(?:\/(\d{1,3}))?$/

export function parseTrustedProxies(raw: string): { ranges: ProxyRange[]; problems: string[] } {
  const ranges: ProxyRange[] = []
  const problems: string[] = []
  const entries = raw.split(',').map((s) => s.trim())
  if (entries.some((e) => e === '')) problems.push('has an empty entry (check the commas)')
  for (const entry of entries.filter(Boolean)) {
    const m = PROXY_ENTRY.exec(entry)
    const kind = m ? isIP(m[1]) : 0
    if (!m || kind === 0) {
      problems.push(`"${entry}" is not one IP address or one CIDR range (e.g. 10.0.0.5 or 10.0.1.0/24)`)
      continue
    }
    const max = kind === 4 ? 32 : 128
    const n = m[2] === undefined ? max : Number(m[2])
    if (n > max) {
      problems.push(`"${entry}" has an invalid prefix length (at most ${max})`)
      continue
    }
    const range = { bytes: addressBytes(m[1])!, prefix: kind === 4 ? n + 96 : n }
    // A range that holds every IPv4 or every IPv6 peer would believe anyone's identity headers.
    if (n === 0 || (isTrustedPeer('0.0.0.0', [range]) && isTrustedPeer('255.255.255.255', [range]))) {
      problems.push(`"${entry}" would trust every peer; name the proxies' own addresses`)
      continue
    }
    ranges.push(range)
  }
  return { ranges, problems }
}

export function isTrustedPeer(peer: string | undefined, ranges: readonly ProxyRange[]): boolean {
  if (!peer) return false
  const bytes = addressBytes(peer)
  if (!bytes) return false
  return ranges.some(({ bytes: net, prefix }) => {
    for (let bit = 0; bit < prefix; bit += 8) {
      const take = Math.min(8, prefix - bit)
      const mask = (0xff << (8 - take)) & 0xff
      if ((bytes[bit / 8] & mask) !== (net[bit / 8] & mask)) return false
    }
    return true
  })
}

/** What identity-reading needs of a request's headers: a Fetch Headers object or `rawIdentityHeaders`. */
export interface HeaderSource {
  get(name: string): string | null
}

/** The identity headers that can carry a list and must arrive once. */
const SINGLE_VALUED = ['x-authentik-email', 'x-authentik-username', 'x-authentik-uid', 'x-authentik-groups']

/**
 * Whether any X-authentik-* header arrived more than once, when all that is left is a Fetch
 * Headers object (requests served in process): it has joined repeats with ", ", which no e-mail,
 * username, uid or group list contains. Over a socket, `rawIdentityHeaders` sees the repeats.
 */
export function hasRepeatedIdentityHeader(headers: HeaderSource): boolean {
  return SINGLE_VALUED.some((name) => headers.get(name)?.includes(','))
}

/**
 * The X-authentik-* headers of a request, read in one pass over Node's raw headers (names and
 * values alternating, as received), or null when one of them arrives more than once. Reading the
 * raw list spares building the request's whole header object on the BFF's busiest path.
 */
export function rawIdentityHeaders(rawHeaders: readonly string[]): Map<string, string> | null {
  const found = new Map<string, string>()
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const raw = rawHeaders[i]
    // "x-authentik-" in any case: its first character is x or X.
    if (raw.length < 12 || (raw.charCodeAt(0) | 0x20) !== 0x78) continue
    const name = raw.toLowerCase()
    if (!name.startsWith('x-authentik-')) continue
    if (found.has(name)) return null
    found.set(name, rawHeaders[i + 1])
  }
  for (const name of SINGLE_VALUED) if (found.get(name)?.includes(',')) return null
  return found
}

/** The identity carried by Authentik's headers, or null when they are absent or unusable. */
export function identityFromHeaders(headers: HeaderSource): Identity | null {
  const email = headers.get('x-authentik-email')?.trim().toLowerCase()
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) return null
  const username = headers.get('x-authentik-username')?.trim() || email.split('@')[0]
  const name = headers.get('x-authentik-name')?.trim() || username
  const groups = (headers.get('x-authentik-groups') ?? '')
    .split('|')
    .map((g) => g.trim())
    .filter(Boolean)
  return { email, username, name, groups }
}

/** Headers that carry identity or browser credentials: never sent upstream. */
export const PRIVATE_REQUEST_HEADERS = /^(x-authentik-.*|cookie|authorization|x-forwarded-.*|forwarded)$/i
