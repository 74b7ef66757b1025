/**
 * Limits on the hub's costly actions: counted per staff member and per minute, in memory or in
 * Redis (shared by replicas; Debian's redis-server, installed by .ci/run), refused with a 429 that
 * says how long to wait, and never in the way of another staff member or another action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from './app'
import { freePort, ok, recordingErp, STAFF, staffRequest, startRedis, testConfig } from './testing'
import type { HubClient } from './upstream/hub'
import { createMemoryLimiter, createRedisLimiter, parseRateLimits, RATE_WINDOW_MS, type RateLimiter } from './rateLimit'

describe('parseRateLimits', () => {
  it('keeps the defaults, overrides the named actions, and 0 turns one off', () => {
    expect(parseRateLimits(undefined)).toEqual({ limits: { diagnose: 30, sms: 10, invite: 20 } })
    expect(parseRateLimits('sms=3, diagnose=0')).toEqual({ limits: { diagnose: 0, sms: 3, invite: 20 } })
  })
  it('names what it cannot read', () => {
    expect(parseRateLimits('sms=lots')).toEqual({ problem: '"sms=lots" is not name=number' })
    expect(parseRateLimits('fax=2')).toMatchObject({ problem: expect.stringContaining('unknown action "fax"') })
    expect(() => testConfig({ RATE_LIMITS: 'sms=-1' })).toThrow(/RATE_LIMITS/)
  })
})

describe('the memory limiter', () => {
  it('allows max actions per key per minute, then says when the window ends', async () => {
    let now = 10 * RATE_WINDOW_MS + 15_000
    const limiter = createMemoryLimiter(() => now)
    for (let i = 0; i < 3; i++) expect((await limiter.hit('sms:a', 3)).allowed).toBe(true)
    expect(await limiter.hit('sms:a', 3)).toEqual({ allowed: false, retryAfterMs: 45_000 })
    expect((await limiter.hit('sms:b', 3)).allowed).toBe(true) // someone else
    now += 45_000 // the next minute
    expect((await limiter.hit('sms:a', 3)).allowed).toBe(true)
  })
})

describe('the Redis limiter', () => {
  let redis: { url: string; stop: () => void }
  let url: string
  const limiters: RateLimiter[] = []
  beforeAll(async () => {
    redis = await startRedis()
    url = redis.url
  })
  afterAll(async () => {
    for (const l of limiters) await l.close?.()
    redis?.stop()
  })

  it('shares one count between replicas', async () => {
    const now = () => 20 * RATE_WINDOW_MS + 1_000
    const one = createRedisLimiter(url, () => undefined, now)
    const two = createRedisLimiter(url, () => undefined, now)
    limiters.push(one, two)
    expect((await one.hit('diagnose:x', 2)).allowed).toBe(true)
    expect((await two.hit('diagnose:x', 2)).allowed).toBe(true)
    expect(await one.hit('diagnose:x', 2)).toEqual({ allowed: false, retryAfterMs: RATE_WINDOW_MS - 1_000 })
    expect((await two.hit('diagnose:y', 2)).allowed).toBe(true)
  })

  it('allows the action, and says so, when Redis does not answer', async () => {
    const logs: string[] = []
    const dead = createRedisLimiter(`redis://127.0.0.1:${await freePort()}`, (m) => logs.push(m))
    limiters.push(dead)
    expect((await dead.hit('sms:z', 1)).allowed).toBe(true)
    expect(logs[0]).toMatch(/rate limit not checked/)
  })
})

describe('limited hub actions through the BFF', () => {
  function countingHub() {
    const calls: string[] = []
    const hub: HubClient = {
      baseUrl: 'http://hub.test',
      token: 'hub-token',
      send: async (method, path) => {
        calls.push(`${method} ${path}`)
        return { status: 200, body: JSON.stringify({ ok: true, sid: 'SM1' }), contentType: 'application/json' }
      },
      json: async () => ({ status: 200, data: null }),
    }
    return { hub, calls }
  }
  const erp = () => recordingErp(() => ok({ data: [] }))
  // Mid-minute, and still: a window boundary must not fall between two calls of a test.
  const limiter = () => createMemoryLimiter(() => 30 * RATE_WINDOW_MS + 20_000)
  const refresh = (who: { email: string; groups: string }, lang = 'fr') =>
    staffRequest('/ops/api/hub/devices/ONT-1/refresh', who, { method: 'POST', headers: { 'accept-language': lang } })

  it('refuses the action past the limit with a 429, Retry-After and a sentence in each language; the hub is not called', async () => {
    const { hub, calls } = countingHub()
    const app = createApp(testConfig({ RATE_LIMITS: 'diagnose=2' }), { erp: erp(), hub, limiter: limiter() })
    expect((await app.fetch(refresh(STAFF.csr))).status).toBe(200)
    expect((await app.fetch(refresh(STAFF.csr))).status).toBe(200)
    const refused = await app.fetch(refresh(STAFF.csr))
    expect(refused.status).toBe(429)
    const wait = Number(refused.headers.get('retry-after'))
    expect(wait).toBe(40) // the window ends 40 s later
    const body = (await refused.json()) as {
      error: { code: string; message: string; messages: { fr: string; en: string } }
    }
    expect(body.error.code).toBe('RATE_LIMITED')
    expect(body.error.message).toBe(
      `Trop de demandes : au plus 2 interrogations de modem par minute. Réessayez dans ${wait} s.`,
    )
    expect(body.error.messages.en).toBe(`Too many requests: at most 2 modem polls per minute. Try again in ${wait} s.`)
    expect(calls).toHaveLength(2)

    // Another staff member, and another action, are not affected.
    expect((await app.fetch(refresh(STAFF.dispatcher))).status).toBe(200)
    const sms = staffRequest('/ops/api/hub/sms/send', STAFF.csr, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: '+15145550100', body: 'Bonjour', customer: 'CUST-1' }),
    })
    expect((await app.fetch(sms)).status).toBe(200)
    expect(calls).toHaveLength(4)
  })

  it('checks the capability before counting: a refused role uses up nothing', async () => {
    const { hub, calls } = countingHub()
    const app = createApp(testConfig({ RATE_LIMITS: 'invite=1' }), { erp: erp(), hub, limiter: limiter() })
    const invite = (who: { email: string; groups: string }) =>
      staffRequest('/ops/api/hub/auth/users', who, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'new@gigafibre.ca', name: 'New', groups: ['ops-csr'] }),
      })
    expect((await app.fetch(invite(STAFF.csr))).status).toBe(403)
    expect((await app.fetch(invite(STAFF.admin))).status).toBe(200)
    expect((await app.fetch(invite(STAFF.admin))).status).toBe(429)
    expect(calls).toHaveLength(1)
  })

  it('a limit of 0 is no limit', async () => {
    const { hub, calls } = countingHub()
    const app = createApp(testConfig({ RATE_LIMITS: 'diagnose=0' }), { erp: erp(), hub, limiter: limiter() })
    for (let i = 0; i < 40; i++) expect((await app.fetch(refresh(STAFF.csr))).status).toBe(200)
    expect(calls).toHaveLength(40)
  })
})
