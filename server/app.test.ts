import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createApp } from './app'
import { ConfigError } from './config'
import { createErpClient } from './upstream/erp'
import { noHub, ok, recordingErp, STAFF, staffRequest, testConfig, type RecordedCall } from './testing'

const JOB = {
  name: 'DJ-2026-00001',
  technician: 'TECH-001',
  service_location: 'LOC-00001',
  customer: 'CUST-00001',
  modified: '2026-11-27 08:00:00.000000',
}

function erpWithTechnician() {
  return recordingErp((call: RecordedCall) => {
    if (call.path.startsWith('/api/resource/Technician?')) {
      return ok({ data: call.path.includes('julien.gagnon') ? [{ name: 'TECH-001' }] : [] })
    }
    if (call.path.startsWith('/api/resource/Dispatch%20Job?') && call.path.includes('service_location')) {
      return ok({ data: [{ service_location: 'LOC-00001', customer: 'CUST-00001' }] })
    }
    if (call.path === '/api/method/frappe.client.get_count') {
      // Counts within the scope: the job named, if it is TECH-001's.
      const rows = (JSON.parse(call.body ?? '{}') as { filters: [string, string, string, string][] }).filters
      const name = rows.find((r) => r[1] === 'name')?.[3]
      const technician = rows.find((r) => r[1] === 'technician')?.[3]
      return ok({ message: name === JOB.name && technician === JOB.technician ? 1 : 0 })
    }
    if (call.path.startsWith('/api/resource/Dispatch%20Job/DJ-2026-00001')) return ok({ data: JOB })
    if (call.path.startsWith('/api/resource/Dispatch%20Job/DJ-2026-00002'))
      return ok({ data: { ...JOB, name: 'DJ-2026-00002', technician: 'TECH-007' } })
    return ok({ data: [] })
  })
}

describe('identity', () => {
  it('trusts Authentik headers from a trusted proxy and maps groups to capabilities', async () => {
    const app = createApp(testConfig(), { erp: erpWithTechnician(), hub: noHub })
    const res = await app.fetch(staffRequest('/ops/api/me', STAFF.tech))
    expect(res.status).toBe(200)
    const me = await res.json()
    expect(me).toMatchObject({
      email: STAFF.tech.email,
      groups: ['ops-tech'],
      capabilities: ['tech:self'],
      technician: 'TECH-001',
    })
  })

  it('ignores identity headers from an untrusted peer: 401', async () => {
    const config = testConfig({
      ERP_URL: 'http://erp.test',
      ERP_TOKEN: 'k:s',
      HUB_URL: 'http://hub.test',
      HUB_TOKEN: 't',
      TRUSTED_PROXIES: '10.0.0.5',
    })
    const app = createApp(config, { erp: erpWithTechnician(), hub: noHub })
    const spoofed = await app.fetch(staffRequest('/ops/api/me', STAFF.admin, { peer: '203.0.113.9' }))
    expect(spoofed.status).toBe(401)
    expect((await spoofed.json()).error.code).toBe('UNAUTHENTICATED')
    const fromLoopback = await app.fetch(staffRequest('/ops/api/me', STAFF.admin, { peer: '127.0.0.1' }))
    expect(fromLoopback.status).toBe(401) // loopback is trusted only in demo mode
    const viaTraefik = await app.fetch(staffRequest('/ops/api/me', STAFF.admin, { peer: '10.0.0.5' }))
    expect(viaTraefik.status).toBe(200)
  })

  it('answers 401 without identity, with a sentence in French and English', async () => {
    const app = createApp(testConfig(), { erp: erpWithTechnician(), hub: noHub })
    const res = await app.fetch(staffRequest('/ops/api/me', null))
    expect(res.status).toBe(401)
    const body = await res.json()
    expect(body.error.message).toMatch(/connecté/)
    expect(body.error.messages.en).toMatch(/signed in/)
  })

  it('lets a demo user pick a persona by cookie, only in demo mode', async () => {
    const app = createApp(testConfig(), { erp: erpWithTechnician(), hub: noHub })
    const pick = await app.fetch(
      staffRequest('/ops/api/demo/persona', null, {
        method: 'POST',
        body: JSON.stringify({ id: 'csr' }),
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(pick.status).toBe(200)
    const cookie = pick.headers.get('set-cookie')!.split(';')[0]
    const me = await app.fetch(staffRequest('/ops/api/me', null, { headers: { cookie } }))
    expect((await me.json()).capabilities).toContain('clients:view')
    const unknown = await app.fetch(
      staffRequest('/ops/api/demo/persona', null, { method: 'POST', body: '{"id":"root"}' }),
    )
    expect(unknown.status).toBe(400)
  })
})

describe('ERP policy', () => {
  it('refuses a doctype outside the policy, by default', async () => {
    const erp = erpWithTechnician()
    const app = createApp(testConfig(), { erp, hub: noHub })
    const res = await app.fetch(staffRequest('/ops/api/erp/resource/Salary%20Slip', STAFF.admin))
    expect(res.status).toBe(403)
    expect((await res.json()).exc_type).toBe('PermissionError')
    expect(erp.calls).toHaveLength(0)
  })

  it('refuses a verb the capability does not grant (a CSR cannot delete a job)', async () => {
    const erp = erpWithTechnician()
    const app = createApp(testConfig(), { erp, hub: noHub })
    const res = await app.fetch(
      staffRequest('/ops/api/erp/resource/Dispatch%20Job/DJ-2026-00001', STAFF.csr, { method: 'DELETE' }),
    )
    expect(res.status).toBe(403)
    expect(erp.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0)
  })

  it('refuses methods that are not reads of an allowed doctype', async () => {
    const app = createApp(testConfig(), { erp: erpWithTechnician(), hub: noHub })
    const res = await app.fetch(
      staffRequest('/ops/api/erp/method/frappe.client.delete', STAFF.admin, { method: 'POST', body: '{}' }),
    )
    expect(res.status).toBe(403)
    const user = await app.fetch(
      staffRequest('/ops/api/erp/method/frappe.client.get_count?doctype=User', STAFF.dispatcher),
    )
    expect(user.status).toBe(403)
  })

  it('limits a technician’s job list to their own jobs', async () => {
    const erp = erpWithTechnician()
    const app = createApp(testConfig(), { erp, hub: noHub })
    const filters = encodeURIComponent(JSON.stringify({ status: 'Scheduled' }))
    const res = await app.fetch(staffRequest(`/ops/api/erp/resource/Dispatch%20Job?filters=${filters}`, STAFF.tech))
    expect(res.status).toBe(200)
    const sent = erp.calls.at(-1)!
    const sentFilters = JSON.parse(new URL(sent.path, 'http://x').searchParams.get('filters')!)
    expect(sentFilters).toEqual([
      ['Dispatch Job', 'status', '=', 'Scheduled'],
      ['Dispatch Job', 'technician', '=', 'TECH-001'],
    ])
  })

  it('answers a technician that another technician’s job does not exist (404) and serves their own', async () => {
    const app = createApp(testConfig(), { erp: erpWithTechnician(), hub: noHub })
    const other = await app.fetch(staffRequest('/ops/api/erp/resource/Dispatch%20Job/DJ-2026-00002', STAFF.tech))
    expect(other.status).toBe(404)
    expect((await other.json()).exc_type).toBe('DoesNotExistError')
    const own = await app.fetch(staffRequest('/ops/api/erp/resource/Dispatch%20Job/DJ-2026-00001', STAFF.tech))
    expect(own.status).toBe(200)
  })

  it('lets a technician change only status and notes on their own job', async () => {
    const erp = erpWithTechnician()
    const app = createApp(testConfig(), { erp, hub: noHub })
    const put = (body: object) =>
      app.fetch(
        staffRequest('/ops/api/erp/resource/Dispatch%20Job/DJ-2026-00001', STAFF.tech, {
          method: 'PUT',
          body: JSON.stringify(body),
        }),
      )
    expect((await put({ technician: 'TECH-002' })).status).toBe(403)
    expect((await put({ status: 'En Route', modified: JOB.modified })).status).toBe(200)
    expect(erp.calls.filter((c) => c.method === 'PUT')).toHaveLength(1)
  })

  it('rejects malformed JSON bodies and oversize bodies before ERPNext sees them', async () => {
    const erp = erpWithTechnician()
    const app = createApp(testConfig(), { erp, hub: noHub })
    const bad = await app.fetch(
      staffRequest('/ops/api/erp/resource/Issue', STAFF.csr, { method: 'POST', body: '{"subject": ' }),
    )
    expect(bad.status).toBe(417)
    expect((await bad.json()).exc_type).toBe('ValidationError')
    const big = await app.fetch(
      staffRequest('/ops/api/erp/resource/Issue', STAFF.csr, {
        method: 'POST',
        body: JSON.stringify({ subject: 'x'.repeat(2 * 1024 * 1024) }),
      }),
    )
    expect(big.status).toBe(413)
    expect(erp.calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    const still = await app.fetch(staffRequest('/ops/healthz', null))
    expect(still.status).toBe(200)
  })

  it('keeps Frappe’s status and exc_type from upstream errors', async () => {
    const stale = {
      exc_type: 'TimestampMismatchError',
      exception: 'frappe.exceptions.TimestampMismatchError: x',
      _server_messages: '[]',
    }
    const erp = recordingErp(() => ok(stale, 417))
    const app = createApp(testConfig(), { erp, hub: noHub })
    const res = await app.fetch(
      staffRequest('/ops/api/erp/resource/Dispatch%20Job/DJ-2026-00001', STAFF.dispatcher, {
        method: 'PUT',
        body: '{"modified":"old"}',
      }),
    )
    expect(res.status).toBe(417)
    expect((await res.json()).exc_type).toBe('TimestampMismatchError')
  })

  it('publishes each successful write on the event bus', async () => {
    const erp = recordingErp(() => ok({ data: { name: 'ISS-2026-00001', modified: '2026-11-27 09:00:00.000001' } }))
    const { createMemoryBus } = await import('./events/bus')
    const bus = createMemoryBus(100, 7)
    const app = createApp(testConfig(), { erp, hub: noHub, bus })
    await app.fetch(
      staffRequest('/ops/api/erp/resource/Issue', STAFF.csr, { method: 'POST', body: '{"subject":"Pas de signal"}' }),
    )
    expect(await bus.since('7-0')).toEqual([
      {
        id: '7-1',
        type: 'doc_update',
        data: { doctype: 'Issue', name: 'ISS-2026-00001', modified: '2026-11-27 09:00:00.000001', action: 'create' },
      },
    ])
  })
})

describe('upstream ERPNext client', () => {
  it('sends the service token and never the browser’s cookies or identity headers', async () => {
    let seen: IncomingHttpHeaders = {}
    const server = createServer((req, res) => {
      seen = req.headers
      res.setHeader('content-type', 'application/json')
      res.end('{"data":[]}')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    try {
      const erp = createErpClient(`http://127.0.0.1:${port}`, 'svc-key:svc-secret', 2000)
      const app = createApp(testConfig(), { erp, hub: noHub })
      const res = await app.fetch(
        staffRequest('/ops/api/erp/resource/Customer', STAFF.csr, { headers: { cookie: 'sid=browser-session' } }),
      )
      expect(res.status).toBe(200)
      expect(seen.authorization).toBe('token svc-key:svc-secret')
      expect(seen.cookie).toBeUndefined()
      expect(Object.keys(seen).filter((h) => h.startsWith('x-authentik'))).toEqual([])
    } finally {
      server.close()
    }
  })

  it('answers 503 with a sentence naming ERPNext when it is unreachable, and keeps serving', async () => {
    const erp = createErpClient('http://127.0.0.1:9', 'k:s', 500)
    const app = createApp(testConfig(), { erp, hub: noHub })
    const res = await app.fetch(staffRequest('/ops/api/erp/resource/Customer', STAFF.csr))
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    const body = await res.json()
    expect(body.messages.fr).toMatch(/ERPNext ne répond pas/)
    expect(body).toMatchObject({ upstream: 'erpnext', message: expect.stringMatching(/^ERPNext ne répond pas/) })
  })
})

describe('configuration', () => {
  it('reports each problem on its own line', () => {
    try {
      testConfig({ ERP_URL: 'http://erp.test', PORT: 'abc', CAPABILITY_MAP: '{"ops-x": ["fly"]}' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).problems).toEqual([
        'ERP_URL is set but ERP_TOKEN is not',
        'ERP_URL is set but HUB_URL is not (the simulated hub must never stand in front of a real ERPNext)',
        'TRUSTED_PROXIES is required when ERP_URL is set (the addresses of Traefik, e.g. "10.0.0.5,10.0.1.0/24")',
        'CAPABILITY_MAP: unknown capability "fly" for group "ops-x"',
        'PORT must be a whole number from 0 to 65535 (got "abc")',
      ])
    }
  })

  it('stops on a log buffer that is not a size in bytes within bounds', () => {
    for (const bad of ['16MB', '1024', String(2 * 1024 ** 3)])
      expect(() => testConfig({ LOG_BUFFER_BYTES: bad })).toThrow(/LOG_BUFFER_BYTES must be a whole number/)
    expect(() => testConfig({ LOG_BUFFER_BYTES: String(4 * 1024 * 1024) })).not.toThrow()
  })

  it('accepts an overriding capability table', async () => {
    const app = createApp(testConfig({ CAPABILITY_MAP: '{"ops-tech": ["tech:self", "clients:view"]}' }), {
      erp: erpWithTechnician(),
      hub: noHub,
    })
    const me = await (await app.fetch(staffRequest('/ops/api/me', STAFF.tech))).json()
    expect(me.capabilities).toEqual(['clients:view', 'tech:self'])
  })
})
