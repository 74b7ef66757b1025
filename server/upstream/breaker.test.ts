/**
 * Breakers in front of the upstreams: ERPNext stopped in the middle of a session fails fast once
 * the breaker opens and comes back through a half-open probe; only reads are retried; a hub
 * capability that fails opens its own breaker only; /ops/readyz shows each breaker.
 */
import { createServer, type Server } from 'node:http'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { DEMO_ERP_TOKEN, startErpnext } from '../embedded/erpnext/index'
import { freePort, noHub, STAFF, staffRequest, testConfig } from '../testing'
import { Breaker, createBreakers, hubCapability, UpstreamDown } from './breaker'
import { createErpClient } from './erp'
import { createHubClient } from './hub'

const servers: Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

/** A stand-in upstream on a free port: answers with `answer`, counts the calls by method. */
async function upstream(answer: (method: string, path: string) => { status: number; body?: string }) {
  const calls: { method: string; path: string; requestId?: string }[] = []
  const server = createServer((req, res) => {
    calls.push({ method: req.method!, path: req.url!, requestId: req.headers['x-request-id'] as string | undefined })
    const a = answer(req.method!, req.url!)
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body ?? '{}')
  })
  servers.push(server)
  const port = await freePort()
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${port}`, calls }
}

describe('a breaker', () => {
  it('opens after the threshold, fails fast, lets one probe through after the cooldown and closes on success', () => {
    let now = 0
    const b = new Breaker(
      'erpnext',
      { threshold: 3, cooldownMs: 1_000, retries: 0, retryBaseMs: 0 },
      undefined,
      () => now,
    )
    b.failure()
    b.failure()
    expect(b.current).toBe('closed')
    b.failure()
    expect(b.current).toBe('open')
    expect(() => b.admit()).toThrow(UpstreamDown)
    now = 1_000
    expect(b.admit()).toBe(true) // the probe
    expect(() => b.admit()).toThrow(UpstreamDown) // only one at a time
    b.failure()
    expect(b.current).toBe('open')
    now = 2_000
    b.admit()
    b.success()
    expect(b.snapshot()).toMatchObject({ state: 'closed', failures: 0 })
  })

  it('names the hub capability of a path', () => {
    expect(hubCapability('/devices/lookup?serial=x')).toBe('hub:devices')
    expect(hubCapability('/sms/send')).toBe('hub:sms')
    expect(hubCapability('/vision/barcodes')).toBe('hub:vision')
    expect(hubCapability('/traccar/positions?deviceId=1')).toBe('hub:traccar')
    expect(hubCapability('/auth/users')).toBe('hub')
  })
})

describe('ERPNext stopped in the middle of a session', () => {
  let erpnext: { url: string; close(): Promise<void> } | null = null
  afterAll(async () => {
    await erpnext?.close()
  })

  it('answers 503 naming ERPNext within milliseconds once the breaker is open, and recovers when ERPNext returns', async () => {
    const port = await freePort()
    erpnext = await startErpnext({ dataDir: null, token: DEMO_ERP_TOKEN, seedProfile: 'none', port })
    const breakers = createBreakers({ threshold: 3, cooldownMs: 400, retries: 1, retryBaseMs: 5 })
    const erp = createErpClient(erpnext.url, DEMO_ERP_TOKEN, 2_000, { breakers })
    const app = createApp(testConfig(), { erp, hub: noHub, breakers })
    const read = () => app.fetch(staffRequest('/ops/api/erp/resource/Tag?fields=["name"]', STAFF.admin))

    expect((await read()).status).toBe(200)
    await erpnext.close()
    erpnext = null

    // Until the breaker opens, each read finds no connection (and is retried once).
    for (let i = 0; i < 2; i++) expect((await read()).status).toBe(503)
    expect(breakers.get('erpnext').current).toBe('open')

    const times: number[] = []
    for (let i = 0; i < 20; i++) {
      const started = performance.now()
      const res = await read()
      times.push(performance.now() - started)
      expect(res.status).toBe(503)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toMatchObject({
        message: 'ERPNext ne répond pas — réessai automatique.',
        message_en: 'ERPNext is not answering — retrying automatically.',
        upstream: 'erpnext',
        retry_after_s: 1,
        exc_type: 'UpstreamError',
      })
    }
    times.sort((a, b) => a - b)
    // Milliseconds, on a loaded machine too (the bench measures the p99 on a quiet one).
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(50)

    const ready = await app.fetch(staffRequest('/ops/readyz', null))
    expect(ready.status).toBe(503)
    const readiness = (await ready.json()) as { breakers: Record<string, { state: string; retry_after_s: number }> }
    expect(readiness.breakers.erpnext.state).toBe('open')
    expect(readiness.breakers.hub.state).toBe('closed')

    erpnext = await startErpnext({ dataDir: null, token: DEMO_ERP_TOKEN, seedProfile: 'none', port })
    await new Promise((r) => setTimeout(r, 450))
    expect(breakers.get('erpnext').current).toBe('half_open')
    // The first call after the cooldown starts a background probe (ERPNext's ping) and still fails
    // fast; once the probe has answered, reads go through again.
    const started = Date.now()
    let status = (await read()).status
    while (status !== 200 && Date.now() - started < 3_000) {
      await new Promise((r) => setTimeout(r, 20))
      status = (await read()).status
    }
    expect(status).toBe(200)
    expect(breakers.get('erpnext').current).toBe('closed')
  })
})

describe('retries', () => {
  it('retries a failed read a bounded number of times, and never a write', async () => {
    const down = await upstream(() => ({ status: 503, body: '{}' }))
    const breakers = createBreakers({ threshold: 100, cooldownMs: 1_000, retries: 2, retryBaseMs: 2 })
    const erp = createErpClient(down.url, 'key:secret', 1_000, { breakers })
    expect((await erp.send('GET', '/api/resource/Tag')).status).toBe(503)
    expect(down.calls.filter((c) => c.method === 'GET')).toHaveLength(3)
    for (const method of ['POST', 'PUT', 'DELETE']) {
      expect((await erp.send(method, '/api/resource/Tag/x', '{}')).status).toBe(503)
      expect(down.calls.filter((c) => c.method === method)).toHaveLength(1)
    }
  })

  it('does not retry an answer from ERPNext itself (a refusal is not an outage)', async () => {
    const refusing = await upstream(() => ({ status: 417, body: '{"exc_type":"ValidationError"}' }))
    const erp = createErpClient(refusing.url, 'key:secret', 1_000, { breakers: createBreakers({ retries: 2 }) })
    expect((await erp.send('GET', '/api/resource/Tag')).status).toBe(417)
    expect(refusing.calls).toHaveLength(1)
  })

  it('gives up on a read that times out without retrying it, and says so as a 503', async () => {
    const slow = createServer(() => undefined)
    servers.push(slow)
    const port = await freePort()
    await new Promise<void>((r) => slow.listen(port, '127.0.0.1', r))
    const breakers = createBreakers({ threshold: 5, retries: 2 })
    const erp = createErpClient(`http://127.0.0.1:${port}`, 'key:secret', 150, { breakers })
    const app = createApp(testConfig(), { erp, hub: noHub, breakers })
    const started = performance.now()
    const res = await app.fetch(staffRequest('/ops/api/erp/resource/Tag', STAFF.admin))
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ upstream: 'erpnext' })
    slow.closeAllConnections()
  })
})

describe('the hub', () => {
  it('opens the breaker of the one failing capability and keeps the others, and sends the request id upstream', async () => {
    const hub = await upstream((_m, path) =>
      path.startsWith('/vision') ? { status: 500, body: '{"error":{"code":"VISION_DOWN"}}' } : { status: 200 },
    )
    const breakers = createBreakers({ threshold: 2, cooldownMs: 60_000, retries: 0 })
    const client = createHubClient(hub.url, 'hub-token', 1_000, { breakers })
    const app = createApp(testConfig(), {
      erp: createErpClient(hub.url, 'k:s', 1_000, { breakers }),
      hub: client,
      breakers,
    })
    const scan = () =>
      app.fetch(
        staffRequest('/ops/api/hub/vision/barcodes', STAFF.admin, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json', 'x-request-id': 'req-vision-1' },
        }),
      )
    expect((await scan()).status).toBe(500)
    expect((await scan()).status).toBe(500)
    const refused = await scan()
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({
      error: { code: 'UPSTREAM_DOWN' },
      upstream: 'hub:vision',
      message: 'Le hub ne répond pas pour la lecture des photos — réessai automatique.',
    })
    expect(hub.calls.filter((c) => c.path.startsWith('/vision'))).toHaveLength(2)
    expect(hub.calls[0].requestId).toBe('req-vision-1')

    const sms = await app.fetch(
      staffRequest('/ops/api/hub/sms/send', STAFF.admin, { method: 'POST', body: '{"customer":"C-1","body":"x"}' }),
    )
    expect(sms.status).toBe(200)
    expect(breakers.snapshot()).toMatchObject({
      'hub:vision': { state: 'open' },
      'hub:sms': { state: 'closed' },
      hub: { state: 'closed' },
    })
  })

  it('opens the whole hub’s breaker when the hub cannot be reached at all', async () => {
    const port = await freePort() // nothing listens there
    const breakers = createBreakers({ threshold: 2, cooldownMs: 60_000, retries: 0 })
    const client = createHubClient(`http://127.0.0.1:${port}`, 'hub-token', 1_000, { breakers })
    await expect(client.send('GET', '/devices/lookup?serial=A')).rejects.toBeInstanceOf(UpstreamDown)
    await expect(client.send('POST', '/sms/send')).rejects.toBeInstanceOf(UpstreamDown)
    const err = await client.send('GET', '/traccar/positions').catch((e: unknown) => e)
    expect(err).toMatchObject({ upstream: 'hub', reason: 'open' })
    expect(breakers.snapshot()['hub:devices'].state).toBe('closed')
  })
})

describe('every screen’s read while ERPNext cannot be reached', () => {
  it('answers 503 naming ERPNext, never a 500', async () => {
    // A port nothing listens on: ERPNext is down from the start.
    const port = await freePort()
    const breakers = createBreakers({ threshold: 2, cooldownMs: 5_000, retries: 0, retryBaseMs: 5 })
    const erp = createErpClient(`http://127.0.0.1:${port}`, DEMO_ERP_TOKEN, 1_000, { breakers })
    const app = createApp(testConfig(), { erp, hub: noHub, breakers })
    const reads: [string, (typeof STAFF)[keyof typeof STAFF]][] = [
      ['/ops/api/tech/day', STAFF.tech],
      ['/ops/api/tech/jobs/DJ-2026-00001', STAFF.tech],
      ['/ops/api/dispatch/board?from=2026-12-02&to=2026-12-02', STAFF.dispatcher],
      ['/ops/api/equipment-transfers?customer=CUST-00001', STAFF.csr],
      ['/ops/api/erp/resource/Customer/CUST-00001', STAFF.csr],
      ['/ops/api/erp/resource/Dispatch%20Job?fields=["name"]', STAFF.dispatcher],
    ]
    // Twice each: before the breaker opens (no connection) and after (failing fast).
    for (let round = 0; round < 2; round++) {
      for (const [path, who] of reads) {
        const res = await app.fetch(staffRequest(path, who))
        expect({ path, status: res.status }).toEqual({ path, status: 503 })
        const body = (await res.json()) as Record<string, unknown>
        expect(body.upstream).toBe('erpnext')
      }
    }
  })
})
