import { describe, expect, it } from 'vitest'
import { identityFromHeaders, isTrustedPeer, parseTrustedProxies, rawIdentityHeaders } from './identity'

describe('trusted proxies', () => {
  const { ranges, problems } = parseTrustedProxies('10.0.0.5, 172.16.0.0/12, fd00::/8, ::1')
  it.each([
    ['10.0.0.5', true],
    ['10.0.0.6', false],
    ['172.20.1.2', true],
    ['172.32.0.1', false],
    ['::ffff:10.0.0.5', true],
    ['fd12:3456::1', true],
    ['fe80::1', false],
    ['::1', true],
    ['not-an-ip', false],
  ])('%s trusted: %s', (peer, expected) => {
    expect(problems).toEqual([])
    expect(isTrustedPeer(peer, ranges)).toBe(expected)
  })
  it('reports entries that are not addresses', () => {
    expect(parseTrustedProxies('10.0.0.1/40, traefik').problems).toEqual([
      '"10.0.0.1/40" has an invalid prefix length (at most 32)',
      '"traefik" is not one IP address or one CIDR range (e.g. 10.0.0.5 or 10.0.1.0/24)',
    ])
  })
})

describe('identity headers', () => {
  it('splits groups on | and lowercases the e-mail', () => {
    const h = new Headers({
      'x-authentik-email': 'Marc.Bouchard@Gigafibre.ca',
      'x-authentik-groups': 'ops-dispatch|ops-csr|',
    })
    expect(identityFromHeaders(h)).toEqual({
      email: 'marc.bouchard@gigafibre.ca',
      username: 'marc.bouchard',
      name: 'marc.bouchard',
      groups: ['ops-dispatch', 'ops-csr'],
    })
  })
  it('has no identity without a usable e-mail', () => {
    expect(identityFromHeaders(new Headers({ 'x-authentik-groups': 'ops-admin' }))).toBeNull()
    expect(identityFromHeaders(new Headers({ 'x-authentik-email': 'nobody' }))).toBeNull()
  })
})

describe('identity headers read from the socket', () => {
  it('reads each X-authentik-* header whatever its case, and nothing else', () => {
    const found = rawIdentityHeaders([
      'Host',
      'ops.example',
      'X-Authentik-Email',
      'marc.bouchard@gigafibre.ca',
      'x-authentik-GROUPS',
      'ops-dispatch|ops-csr',
      'X-Request-Id',
      'abc',
    ])
    expect(found && Object.fromEntries(found)).toEqual({
      'x-authentik-email': 'marc.bouchard@gigafibre.ca',
      'x-authentik-groups': 'ops-dispatch|ops-csr',
    })
  })

  it('refuses a header sent twice, even in another case', () => {
    const raw = [
      'x-authentik-email',
      'a@gigafibre.ca',
      'x-authentik-groups',
      'ops-tech',
      'X-Authentik-Groups',
      '|ops-admin',
    ]
    expect(rawIdentityHeaders(raw)).toBeNull()
  })

  it('refuses repeats a proxy has already joined with a comma', () => {
    expect(rawIdentityHeaders(['x-authentik-groups', 'ops-tech, |ops-admin'])).toBeNull()
    expect(rawIdentityHeaders(['x-authentik-email', 'a@gigafibre.ca,b@gigafibre.ca'])).toBeNull()
  })

  it('gives the same identity as the Fetch headers do', () => {
    const pairs = [
      ['x-authentik-email', ' Julien.Gagnon@Gigafibre.ca '],
      ['x-authentik-name', 'Julien Gagnon'],
      ['x-authentik-groups', 'ops-tech'],
    ]
    const found = rawIdentityHeaders(pairs.flat())!
    expect(identityFromHeaders({ get: (name) => found.get(name) ?? null })).toEqual(
      identityFromHeaders(new Headers(pairs as [string, string][])),
    )
  })
})
