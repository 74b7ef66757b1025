/**
 * Who is asking. Authentik's outpost, behind Traefik, adds X-authentik-* headers; they are
 * believed only when the TCP peer is one of TRUSTED_PROXIES. From anyone else they are ignored,
 * because any client can send such headers.
 */
import { isIP } from 'node:net'

export interface ProxyRange { bytes: Uint8Array; prefix: number }

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
    a.split('.').forEach((part, i) => { out[12 + i] = Number(part) })
    return out
  }
  if (kind !== 6) return null
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  let groups: string[]
  if (v4Tail) {
    const v4 = addressBytes(v4Tail[1])!
    const head = a.slice(0, -v4Tail[1].length)
    const hex = (i: number) => ((v4[i] << 8) | v4[i + 1]).toString(16)
    a = `${head}${hex(12)}:${hex(14)}`
  }
  const [left, right] = a.split('::')
  const l = left ? left.split(':') : []
  const r = right !== undefined ? (right ? right.split(':') : []) : []
  groups = right !== undefined ? [...l, ...Array(8 - l.length - r.length).fill('0'), ...r] : l
  const out = new Uint8Array(16)
  groups.forEach((g, i) => {
    const n = parseInt(g, 16)
    out[i * 2] = n >> 8
    out[i * 2 + 1] = n & 0xff
  })
  return out
}

export function parseTrustedProxies(raw: string): { ranges: ProxyRange[]; problems: string[] } {
  const ranges: ProxyRange[] = []
  const problems: string[] = []
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [addr, bits] = entry.split('/')
    const bytes = addressBytes(addr)
    if (!bytes) {
      problems.push(`"${entry}" is not an IP address or CIDR range`)
      continue
    }
    const v4 = isIP(addr) === 4
    const max = v4 ? 32 : 128
    const n = bits === undefined ? max : Number(bits)
    if (!Number.isInteger(n) || n < 0 || n > max) {
      problems.push(`"${entry}" has an invalid prefix length`)
      continue
    }
    ranges.push({ bytes, prefix: v4 ? n + 96 : n })
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

/** The identity carried by Authentik's headers, or null when they are absent or unusable. */
export function identityFromHeaders(headers: Headers): Identity | null {
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
