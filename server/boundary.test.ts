/**
 * The BFF's boundary, one describe per way through it that must stay shut: cross-site writes,
 * configuration that would trust too much, yes/no oracles outside a technician's scope, doubled
 * identity headers, costly or unbounded reads, upstream tracebacks, shared idempotency keys and
 * live events a technician must not receive.
 */
import { spawnSync } from 'node:child_process'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from 'h3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from './app'
import type { AuditEntry, AuditJournal } from './audit'
import { ConfigError } from './config'
import { startErpnext, DEMO_ERP_TOKEN } from './embedded/erpnext/index'
import { createMemoryBus } from './events/bus'
import { createErpClient } from './upstream/erp'
import type { HubClient } from './upstream/hub'
import { LOOPBACK, noHub, ok, recordingErp, STAFF, staffRequest, testConfig, type RecordedCall } from './testing'

function recordingAudit(): AuditJournal & { entries: Omit<AuditEntry, 'at'>[] } {
  const entries: Omit<AuditEntry, 'at'>[] = []
  return {
    entries,
    record: (e) => {
      entries.push(e)
    },
    read: () => ({ entries: [], next: null, budgetReached: false }),
    dir: null,
  }
}

interface HubCallSeen {
  method: string
  path: string
  idempotencyKey?: string
}
function recordingHub(
  answer: (call: HubCallSeen) => { status: number; body: unknown } = () => ({ status: 201, body: { ok: true } }),
): HubClient & { calls: HubCallSeen[] } {
  const calls: HubCallSeen[] = []
  return {
    calls,
    baseUrl: 'http://hub.test',
    token: 'hub-token',
    async send(method, path, init = {}) {
      const call = { method, path, idempotencyKey: init.idempotencyKey }
      calls.push(call)
      const a = answer(call)
      return { status: a.status, body: JSON.stringify(a.body), contentType: 'application/json' }
    },
    json: async () => ({ status: 404, data: null }),
  }
}

/** A browser on another site: a "simple" request that needs no preflight. */
function crossSite(path: string, who: { email: string; groups: string }, body: unknown): Request {
  return staffRequest(path, who, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
  })
}

describe('1. cross-site writes are refused', () => {
  it('refuses a cross-site text/plain POST that would create an admin: 403, nothing forwarded, nothing journaled', async () => {
    const hub = recordingHub()
    const audit = recordingAudit()
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub, audit })
    const res = await app.fetch(
      crossSite('/ops/api/hub/auth/users', STAFF.admin, { email: 'mallory@evil.example', groups: ['ops-admin'] }),
    )
    expect(res.status).toBe(403)
    const body = await res.json()
    expect(body.error.code).toBe('CROSS_SITE_REFUSED')
    expect(body.error.messages.fr).toMatch(/ne vient pas de l’application/)
    expect(body.error.messages.en).toMatch(/did not come from the Gigafibre Ops app/)
    expect(hub.calls).toEqual([])
    expect(audit.entries).toEqual([])
  })

  it('refuses a cross-site document creation in ERPNext, and a same-site page on a sibling subdomain', async () => {
    const erp = recordingErp(() => ok({ data: { name: 'Évil' } }))
    const app = createApp(testConfig(), { erp, hub: noHub })
    expect((await app.fetch(crossSite('/ops/api/erp/resource/Tag', STAFF.admin, { tag_name: 'Évil' }))).status).toBe(
      403,
    )
    const sibling = staffRequest('/ops/api/erp/resource/Tag', STAFF.admin, {
      method: 'POST',
      body: '{"tag_name":"Évil"}',
      headers: { 'sec-fetch-site': 'same-site', origin: 'https://blog.ops.test', 'content-type': 'application/json' },
    })
    expect((await app.fetch(sibling)).status).toBe(403)
    expect(erp.calls).toEqual([])
  })

  it('without Sec-Fetch-Site, accepts only the app’s own Origin (the request’s own, or PUBLIC_ORIGIN behind a proxy)', async () => {
    const erp = recordingErp(() => ok({ data: { name: 'Fibre', modified: '2026-12-01 08:00:00.000000' } }))
    const post = (headers: Record<string, string>) =>
      staffRequest('/ops/api/erp/resource/Tag', STAFF.admin, {
        method: 'POST',
        body: '{"tag_name":"Fibre"}',
        headers: { 'content-type': 'application/json', ...headers },
      })
    const app = createApp(testConfig(), { erp, hub: noHub })
    expect((await app.fetch(post({ origin: 'https://evil.example' }))).status).toBe(403)
    expect((await app.fetch(post({ origin: 'null' }))).status).toBe(403)
    expect((await app.fetch(post({ origin: 'http://ops.test' }))).status).toBe(200)

    const behindProxy = createApp(testConfig({ PUBLIC_ORIGIN: 'https://ops.gigafibre.ca' }), { erp, hub: noHub })
    expect((await behindProxy.fetch(post({ origin: 'http://ops.test' }))).status).toBe(403)
    expect((await behindProxy.fetch(post({ origin: 'https://ops.gigafibre.ca' }))).status).toBe(200)
    expect(erp.calls.filter((c) => c.method === 'POST')).toHaveLength(2)
  })

  it('refuses a write with neither Sec-Fetch-Site nor Origin, and every state-changing verb alike', async () => {
    const erp = recordingErp(() => ok({ data: {} }))
    const app = createApp(testConfig(), { erp, hub: noHub })
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const req = new Request('http://ops.test/ops/api/erp/resource/Tag/Fibre', {
        method,
        headers: { 'x-authentik-email': STAFF.admin.email, 'x-authentik-groups': 'ops-admin' },
      })
      Object.defineProperty(req, 'ip', { value: LOOPBACK })
      expect((await app.fetch(req)).status, method).toBe(403)
    }
    expect(erp.calls).toEqual([])
  })

  it('refuses a same-origin write whose body is not JSON (415), but takes a multipart photo', async () => {
    const hub = recordingHub(() => ({ status: 200, body: { barcodes: [] } }))
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: {} })), hub })
    const plain = await app.fetch(
      staffRequest('/ops/api/erp/resource/Tag', STAFF.admin, {
        method: 'POST',
        body: '{"tag_name":"x"}',
        headers: { 'content-type': 'text/plain' },
      }),
    )
    expect(plain.status).toBe(415)
    expect((await plain.json()).error.code).toBe('UNSUPPORTED_BODY')
    const form = new FormData()
    form.set('image', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), 'label.png')
    const photo = await app.fetch(
      staffRequest('/ops/api/hub/vision/barcodes', STAFF.tech, { method: 'POST', body: form }),
    )
    expect(photo.status).toBe(200)
    expect(hub.calls.map((c) => c.path)).toEqual(['/vision/barcodes'])
  })

  it('lets reads through from anywhere (they change nothing)', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    const res = await app.fetch(
      staffRequest('/ops/api/erp/resource/Tag', STAFF.admin, { headers: { 'sec-fetch-site': 'cross-site' } }),
    )
    expect(res.status).toBe(200)
  })
})

describe('2. TRUSTED_PROXIES never fails open', () => {
  const problemsOf = (value: string) => {
    try {
      testConfig({
        ERP_URL: 'http://erp.test',
        ERP_TOKEN: 'k:s',
        HUB_URL: 'http://hub.test',
        HUB_TOKEN: 't',
        TRUSTED_PROXIES: value,
      })
      return []
    } catch (err) {
      return (err as ConfigError).problems
    }
  }
  it.each([
    '10.0.0.5 /24',
    '10.0.0.5/',
    '0.0.0.0/0',
    '::/0',
    '::ffff:0:0/96',
    '10.0.0.5/24x',
    '10.0.0.5,,10.0.0.6',
    'traefik',
  ])('stops the start on "%s", naming the entry', (value) => {
    const problems = problemsOf(value)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^TRUSTED_PROXIES: /)
    if (!value.includes(',,')) expect(problems[0]).toContain(`"${value}"`)
  })
  it('accepts addresses and CIDR ranges written exactly', () => {
    expect(problemsOf('10.0.0.5, 10.0.1.0/24, fd00::/8, ::1')).toEqual([])
  })
})

describe('3. no simulated hub in front of a real ERPNext', () => {
  it('refuses ERP_URL without HUB_URL in the configuration', () => {
    expect(() => testConfig({ ERP_URL: 'http://erp.test', ERP_TOKEN: 'k:s', TRUSTED_PROXIES: '10.0.0.5' })).toThrow(
      /ERP_URL is set but HUB_URL is not/,
    )
  })
  it('stops the real start command with one line naming HUB_URL', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        ERP_URL: 'http://127.0.0.1:9',
        ERP_TOKEN: 'k:s',
        TRUSTED_PROXIES: '10.0.0.5',
        HUB_URL: '',
        PORT: '0',
      },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(run.status).toBe(1)
    expect(run.stderr.trim().split('\n')).toEqual([
      'config: ERP_URL is set but HUB_URL is not (the simulated hub must never stand in front of a real ERPNext)',
    ])
  })
})

describe('4. outside a technician’s scope reads exactly like absent', () => {
  let erpnext: { url: string; close(): Promise<void> }
  let app: ReturnType<typeof createApp>
  let othersJob = ''
  beforeAll(async () => {
    erpnext = await startErpnext({ dataDir: null, token: DEMO_ERP_TOKEN, seedProfile: 'none', port: 0 })
    const erp = createErpClient(erpnext.url, DEMO_ERP_TOKEN, 5_000)
    app = createApp(testConfig(), { erp, hub: noHub })
    const create = async (doctype: string, doc: Record<string, unknown>) => {
      const res = await erp.send('POST', `/api/resource/${encodeURIComponent(doctype)}`, JSON.stringify(doc))
      expect(res.status, res.body).toBe(200)
      return (JSON.parse(res.body) as { data: { name: string } }).data.name
    }
    await create('Technician', { full_name: 'Julien Gagnon', email: STAFF.tech.email })
    const theirs = await create('Customer', { customer_name: 'Client de Julien', mobile_no: '+14385550101' })
    await create('Customer', { customer_name: 'Voisine inconnue', mobile_no: '+15145550199' })
    const location = await create('Service Location', {
      customer: theirs,
      address_line: '12 rue Principale',
      city: 'Laval',
    })
    await create('Dispatch Job', {
      job_type: 'Repair',
      technician: 'TECH-001',
      customer: theirs,
      service_location: location,
      status: 'Scheduled',
      scheduled_start: '2026-12-01 09:00:00',
      duration_minutes: 60,
    })
    await create('Technician', { full_name: 'Marie Côté', email: 'marie.cote@gigafibre.ca' })
    othersJob = await create('Dispatch Job', {
      job_type: 'Inspection',
      technician: 'TECH-002',
      status: 'Scheduled',
      scheduled_start: '2026-12-01 13:00:00',
      duration_minutes: 30,
    })
  }, 60_000)
  afterAll(() => erpnext?.close())

  const ask = async (path: string) => {
    const res = await app.fetch(staffRequest(path, STAFF.tech))
    return { status: res.status, body: await res.json() }
  }
  const get = (filters: unknown) =>
    `/ops/api/erp/method/frappe.client.get?doctype=Customer&filters=${encodeURIComponent(JSON.stringify(filters))}`

  it('frappe.client.get by a field: a match outside the scope answers like no match at all', async () => {
    const outside = await ask(get([['mobile_no', 'like', '%514%']]))
    const none = await ask(get([['mobile_no', 'like', '%819%']]))
    expect(outside).toEqual(none)
    expect(outside.status).toBe(404)
    expect(outside.body.exc_type).toBe('DoesNotExistError')
    const inside = await ask(get([['mobile_no', 'like', '%438%']]))
    expect(inside.status).toBe(200)
    expect(inside.body.message.customer_name).toBe('Client de Julien')
  })

  it('a document outside the scope answers like a document that does not exist, by resource and by method', async () => {
    expect(await ask('/ops/api/erp/resource/Customer/CUST-00002')).toEqual(
      await ask('/ops/api/erp/resource/Customer/CUST-99999'),
    )
    expect((await ask('/ops/api/erp/resource/Customer/CUST-00002')).status).toBe(404)
    expect(await ask('/ops/api/erp/method/frappe.client.get?doctype=Customer&name=CUST-00002')).toEqual(
      await ask('/ops/api/erp/method/frappe.client.get?doctype=Customer&name=CUST-99999'),
    )
    expect((await ask('/ops/api/erp/resource/Customer/CUST-00001')).status).toBe(200)
  })

  it('get_value and get_count apply the scope upstream: the neighbour is never counted', async () => {
    const value = (like: string) =>
      ask(
        `/ops/api/erp/method/frappe.client.get_value?doctype=Customer&fieldname=customer_name&filters=${encodeURIComponent(JSON.stringify([['mobile_no', 'like', like]]))}`,
      )
    expect(await value('%514%')).toEqual(await value('%819%'))
    expect((await value('%438%')).body.message).toEqual({ customer_name: 'Client de Julien' })
    const count = await ask(
      `/ops/api/erp/method/frappe.client.get_count?doctype=Customer&filters=${encodeURIComponent(JSON.stringify([['mobile_no', 'like', '%514%']]))}`,
    )
    expect(count.body.message).toBe(0)
  })

  it('an update of another technician’s job answers like one of a job that does not exist', async () => {
    const put = async (name: string) => {
      const res = await app.fetch(
        staffRequest(`/ops/api/erp/resource/Dispatch%20Job/${name}`, STAFF.tech, {
          method: 'PUT',
          body: '{"status":"Completed"}',
        }),
      )
      return { status: res.status, body: await res.json() }
    }
    expect(await put(othersJob)).toEqual(await put('DJ-1999-99999'))
    expect((await put(othersJob)).status).toBe(404)
  })
})

describe('5. an identity header sent twice is refused', () => {
  it('answers 401 when X-authentik-groups arrives twice on the socket', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    const server = serve(app, { port: 0, hostname: '127.0.0.1', silent: true })
    await server.ready()
    try {
      const port = Number(new URL(server.url!).port)
      const status = (groups: string | string[]) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path: '/ops/api/me', method: 'GET' }, (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          })
          req.setHeader('x-authentik-email', STAFF.tech.email)
          req.setHeader('x-authentik-groups', groups)
          req.on('error', reject)
          req.end()
        })
      expect(await status('ops-tech')).toBe(200)
      expect(await status(['ops-tech', '|ops-admin'])).toBe(401)
    } finally {
      await server.close(true)
    }
  })

  it('over the socket, tells staff members apart however often they ask, and follows a change of groups', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    const server = serve(app, { port: 0, hostname: '127.0.0.1', silent: true })
    await server.ready()
    try {
      const port = Number(new URL(server.url!).port)
      const me = (email: string, groups: string) =>
        new Promise<{ status: number; email?: string; capabilities?: string[] }>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path: '/ops/api/me', method: 'GET' }, (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => {
              const body = JSON.parse(Buffer.concat(chunks).toString()) as { email?: string; capabilities?: string[] }
              resolve({ status: res.statusCode ?? 0, email: body.email, capabilities: body.capabilities })
            })
          })
          // Names in Authentik's own case, as Traefik passes them on.
          req.setHeader('X-Authentik-Email', email)
          req.setHeader('X-Authentik-Groups', groups)
          req.on('error', reject)
          req.end()
        })
      for (let i = 0; i < 3; i++) {
        const tech = await me(STAFF.tech.email, 'ops-tech')
        const admin = await me(STAFF.admin.email, 'ops-admin')
        expect(tech).toMatchObject({ status: 200, email: STAFF.tech.email })
        expect(admin).toMatchObject({ status: 200, email: STAFF.admin.email })
        expect(tech.capabilities).toContain('tech:self')
        expect(tech.capabilities).not.toContain('users:manage')
        expect(admin.capabilities).toContain('users:manage')
      }
      // The same e-mail, now in the admin group: the new groups decide, not the first answer.
      expect((await me(STAFF.tech.email, 'ops-admin')).capabilities).toContain('users:manage')
      expect((await me(STAFF.tech.email, 'ops-tech')).capabilities).not.toContain('users:manage')
      expect((await me('', 'ops-admin')).status).toBe(401)
    } finally {
      await server.close(true)
    }
  })

  it('answers 401 when the repeats reach it already joined', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    const res = await app.fetch(
      staffRequest('/ops/api/me', { email: STAFF.tech.email, groups: 'ops-tech, |ops-admin' }),
    )
    expect(res.status).toBe(401)
  })
})

describe('6 & 7. costly and unbounded reads', () => {
  const listPath = (params: Record<string, string>) => `/ops/api/erp/resource/Customer?${new URLSearchParams(params)}`

  it('refuses fields, filters, or_filters, order_by and group_by over 4 KB with 400, before ERPNext', async () => {
    const erp = recordingErp(() => ok({ data: [] }))
    const app = createApp(testConfig(), { erp, hub: noHub })
    for (const arg of ['fields', 'filters', 'or_filters', 'order_by', 'group_by']) {
      const res = await app.fetch(staffRequest(listPath({ [arg]: 'a '.repeat(30_000) }), STAFF.csr))
      expect(res.status, arg).toBe(400)
      expect((await res.json()).messages.fr).toContain(arg)
    }
    const method = await app.fetch(
      staffRequest('/ops/api/erp/method/frappe.client.get_list', STAFF.csr, {
        method: 'POST',
        body: JSON.stringify({ doctype: 'Customer', order_by: 'x '.repeat(3_000) }),
      }),
    )
    expect(method.status).toBe(400)
    expect(erp.calls).toEqual([])
  })

  it('caps a page at 500 rows: 0 ("all") and anything larger become 500, smaller pages stay', async () => {
    const erp = recordingErp(() => ok({ data: [], message: [] }))
    const app = createApp(testConfig(), { erp, hub: noHub })
    const sent = () => new URL(erp.calls.at(-1)!.path, 'http://x').searchParams
    await app.fetch(staffRequest(listPath({ limit_page_length: '0' }), STAFF.csr))
    expect(sent().get('limit_page_length')).toBe('500')
    await app.fetch(staffRequest(listPath({ limit: '100000' }), STAFF.csr))
    expect(sent().get('limit')).toBe('500')
    await app.fetch(staffRequest(listPath({ limit_page_length: '50' }), STAFF.csr))
    expect(sent().get('limit_page_length')).toBe('50')
    await app.fetch(
      staffRequest('/ops/api/erp/method/frappe.client.get_list', STAFF.csr, {
        method: 'POST',
        body: JSON.stringify({ doctype: 'Customer', limit_page_length: 0 }),
      }),
    )
    expect(JSON.parse(erp.calls.at(-1)!.body!).limit_page_length).toBe(500)
  })
})

describe('8. map labels and the content security policy', () => {
  it('answers from the API are data: their policy lets nothing load and nothing frame them', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    for (const path of ['/ops/api/me', '/ops/api/erp/resource/Customer', '/ops/api/nothing-here']) {
      const csp = (await app.fetch(staffRequest(path, STAFF.admin))).headers.get('content-security-policy') ?? ''
      expect(csp.split('; ')).toEqual(expect.arrayContaining(["default-src 'none'", "frame-ancestors 'none'"]))
      expect(csp).not.toContain('script-src')
    }
  })

  it('forbids <base>, plugins and forms posting elsewhere', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    const csp = (await app.fetch(staffRequest('/ops/healthz', null))).headers.get('content-security-policy')!
    for (const directive of [
      "base-uri 'none'",
      "object-src 'none'",
      "form-action 'self'",
      "script-src 'self' 'wasm-unsafe-eval'",
    ])
      expect(csp).toContain(directive)
  })
})

describe('8b. every answer carries the security headers and its request id', () => {
  const expectAppHeaders = (headers: { get(name: string): string | null }, id: string) => {
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(headers.get('x-frame-options')).toBe('DENY')
    expect(headers.get('x-content-type-options')).toBe('nosniff')
    expect(headers.get('referrer-policy')).toBe('same-origin')
    expect(headers.get('x-request-id')).toBe(id)
  }
  const erp = recordingErp((call) =>
    call.path.includes('/Customer') ? ok({ data: [{ name: 'C-1' }] }) : ok({ exc_type: 'PermissionError' }, 403),
  )

  it('on the ERPNext pass-through, its refusals and a 404, in process', async () => {
    const app = createApp(testConfig(), { erp, hub: noHub })
    for (const [path, status] of [
      ['/ops/api/erp/resource/Customer', 200],
      ['/ops/api/erp/resource/Item', 403],
      ['/ops/api/nothing-here', 404],
    ] as const) {
      const res = await app.fetch(
        staffRequest(path, STAFF.dispatcher, { headers: { 'x-request-id': `req-${status}` } }),
      )
      expect(res.status).toBe(status)
      expectAppHeaders(res.headers, `req-${status}`)
      if (status === 200) expect(res.headers.get('cache-control')).toBe('no-store')
    }
  })

  it('on the ERPNext pass-through served over HTTP, as browsers receive it', async () => {
    const app = createApp(testConfig({ TRUSTED_PROXIES: '127.0.0.1' }), { erp, hub: noHub })
    const server = serve(app, { port: 0, hostname: '127.0.0.1', silent: true })
    await server.ready()
    try {
      const res = await fetch(new URL('/ops/api/erp/resource/Customer', server.url), {
        headers: {
          'x-authentik-email': STAFF.dispatcher.email,
          'x-authentik-groups': STAFF.dispatcher.groups,
          'x-request-id': 'req-over-http',
        },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toContain('application/json')
      expect(res.headers.get('cache-control')).toBe('no-store')
      expectAppHeaders(res.headers, 'req-over-http')
      expect(await res.json()).toEqual({ data: [{ name: 'C-1' }] })
    } finally {
      await server.close(true)
    }
  })
})

describe('9. upstream tracebacks never reach the browser', () => {
  it('keeps exc_type and the clean message of a real-shaped Frappe 500, and drops the traceback', async () => {
    const frappe500 = {
      exc_type: 'ValidationError',
      exception: 'frappe.exceptions.ValidationError: Le code postal est invalide',
      exc: JSON.stringify([
        'Traceback (most recent call last):\n  File "apps/frappe/frappe/app.py", line 114, in application\n    response = frappe.api.handle(request)\nfrappe.exceptions.ValidationError: Le code postal est invalide\n',
      ]),
      _server_messages: JSON.stringify([
        JSON.stringify({
          message: '<b>Le code postal est invalide</b>',
          title: 'Message',
          indicator: 'red',
          raise_exception: 1,
          __frappe_exc_id: 'a1b2c3',
        }),
      ]),
      _exc_source: 'gigafibre (app)',
    }
    const server = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify(frappe500))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const erp = createErpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'k:s', 2_000)
      const app = createApp(testConfig(), { erp, hub: noHub })
      const res = await app.fetch(
        staffRequest('/ops/api/erp/resource/Service%20Location', STAFF.csr, {
          method: 'POST',
          body: '{"address_line":"1 rue A","city":"Laval"}',
        }),
      )
      expect(res.status).toBe(500)
      const text = await res.text()
      expect(text).not.toMatch(/Traceback|File "|apps\/frappe|__frappe_exc_id|_exc_source|<b>/)
      const body = JSON.parse(text)
      expect(body.exc_type).toBe('ValidationError')
      expect(Object.keys(body).sort()).toEqual(['_server_messages', 'exc_type', 'exception'])
      expect(JSON.parse(JSON.parse(body._server_messages)[0])).toEqual({ message: 'Le code postal est invalide' })
    } finally {
      server.close()
    }
  })

  it('passes on only the code and sentence of a hub error', async () => {
    const hub = recordingHub(() => ({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'boom', stack: 'Error: boom\n    at /srv/hub/index.js:12:3' } },
    }))
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub })
    const res = await app.fetch(staffRequest('/ops/api/hub/devices/lookup?serial=X', STAFF.csr))
    expect(await res.json()).toEqual({ error: { code: 'INTERNAL', message: 'boom' } })
  })
})

describe('11. idempotency keys belong to one staff member', () => {
  it('sends the hub a key scoped to the caller: the same key from two people never meets', async () => {
    const hub = recordingHub(() => ({ status: 200, body: { barcodes: [] } }))
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub })
    const scan = (who: { email: string; groups: string }) => {
      const form = new FormData()
      form.set('image', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }), 'label.jpg')
      return app.fetch(
        staffRequest('/ops/api/hub/vision/barcodes', who, {
          method: 'POST',
          body: form,
          headers: { 'idempotency-key': 'scan-0001' },
        }),
      )
    }
    await scan(STAFF.tech)
    await scan(STAFF.tech)
    await scan({ email: 'marie.cote@gigafibre.ca', groups: 'ops-tech' })
    const keys = hub.calls.map((c) => c.idempotencyKey)
    expect(keys[0]).toBe(keys[1])
    expect(keys[2]).not.toBe(keys[0])
    expect(keys).not.toContain('scan-0001')
  })
})

describe('12. a technician’s live events are about their own jobs only', () => {
  function erpOfJobs() {
    return recordingErp((call: RecordedCall) => {
      if (call.path.startsWith('/api/resource/Technician?'))
        return ok({ data: call.path.includes('julien.gagnon') ? [{ name: 'TECH-001' }] : [] })
      if (call.path.startsWith('/api/resource/Dispatch%20Job?'))
        return ok({ data: [{ name: 'DJ-1', service_location: 'LOC-1', customer: 'CUST-1' }] })
      const doc: Record<string, Record<string, unknown>> = {
        '/api/resource/Dispatch%20Job/DJ-2': { name: 'DJ-2', technician: 'TECH-007' },
        '/api/resource/Dispatch%20Job/DJ-3': { name: 'DJ-3', technician: 'TECH-001' },
        '/api/resource/Service%20Equipment/EQ-1': { name: 'EQ-1', service_location: 'LOC-1' },
        '/api/resource/Service%20Equipment/EQ-2': { name: 'EQ-2', service_location: 'LOC-9' },
      }
      return doc[call.path] ? ok({ data: doc[call.path] }) : ok({ exc_type: 'DoesNotExistError' }, 404)
    })
  }

  async function received(who: { email: string; groups: string }, until: string): Promise<string[]> {
    const bus = createMemoryBus()
    const app = createApp(testConfig(), { erp: erpOfJobs(), hub: noHub, bus })
    const controller = new AbortController()
    const res = await app.fetch(staffRequest('/ops/api/events', who, { signal: controller.signal }))
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    await reader.read() // connected
    const events: [string, Record<string, unknown>][] = [
      ['doc_update', { doctype: 'Dispatch Job', name: 'DJ-2', modified: 'a' }],
      ['doc_update', { doctype: 'Dispatch Job', name: 'DJ-1', modified: 'b' }],
      ['sms.inbound', { customer: 'CUST-1', body: 'Oui' }],
      ['doc_update', { doctype: 'Customer', name: 'CUST-2', modified: 'c' }],
      ['doc_update', { doctype: 'Customer', name: 'CUST-1', modified: 'd' }],
      ['device.alarm', { serial: 'X' }],
      ['doc_update', { doctype: 'Service Equipment', name: 'EQ-2', modified: 'e' }],
      ['doc_update', { doctype: 'Service Equipment', name: 'EQ-1', modified: 'f' }],
      ['doc_update', { doctype: 'Issue', name: 'ISS-1', modified: 'g' }],
      ['job.updated', { name: 'DJ-3', modified: 'h' }],
      ['doc_update', { doctype: 'Tag', name: 'Fibre', modified: 'i' }],
    ]
    for (const [type, data] of events) bus.publish(type, data)
    bus.publish('end', { name: 'end' })
    let text = ''
    while (!text.includes(until)) {
      const { value, done } = await reader.read()
      if (done) break
      text += value
    }
    controller.abort()
    return [...text.matchAll(/event: ([\w.]+)\ndata: (.*)\n/g)]
      .filter(([, t]) => t !== 'hello')
      .map(([, t, d]) => `${t} ${(JSON.parse(d) as { name?: string }).name ?? ''}`.trim())
  }

  it('sends a technician their job, its customer and equipment, a job newly given to them and tags — nothing else, in order', async () => {
    expect(await received(STAFF.tech, '"Fibre"')).toEqual([
      'doc_update DJ-1',
      'doc_update CUST-1',
      'doc_update EQ-1',
      'job.updated DJ-3',
      'doc_update Fibre',
    ])
  })

  it('still sends the office everything (SMS to those who see customers)', async () => {
    expect(await received(STAFF.dispatcher, 'event: end')).toHaveLength(12)
  })

  /** The technician's live stream on `app`, read as it comes. */
  async function techStream(app: ReturnType<typeof createApp>) {
    const controller = new AbortController()
    const res = await app.fetch(staffRequest('/ops/api/events', STAFF.tech, { signal: controller.signal }))
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    return {
      text: () => text,
      /** Reads until `needle` has come. */
      async until(needle: string) {
        while (!text.includes(needle)) {
          const { value, done } = await reader.read()
          if (done) break
          text += value
        }
      },
      close: () => controller.abort(),
    }
  }

  /** A dispatcher's write of DJ-1 through `app`; its status. */
  async function writeJob(app: ReturnType<typeof createApp>, change: Record<string, string>) {
    const res = await app.fetch(
      staffRequest('/ops/api/erp/resource/Dispatch%20Job/DJ-1', STAFF.dispatcher, {
        method: 'PUT',
        body: JSON.stringify(change),
      }),
    )
    return res.status
  }

  it('sends a technician the job taken off them, even when the event comes back later than the write (Redis)', async () => {
    const jobs = [
      { name: 'DJ-1', service_location: 'LOC-1', customer: 'CUST-1', technician: 'TECH-001', modified: 'a' },
    ]
    const erp = recordingErp((call: RecordedCall) => {
      if (call.path.startsWith('/api/resource/Technician?')) return ok({ data: [{ name: 'TECH-001' }] })
      if (call.path.startsWith('/api/resource/Dispatch%20Job?'))
        return ok({ data: jobs.filter((j) => call.path.includes(encodeURIComponent(j.technician))) })
      if (call.method === 'PUT' && call.path === '/api/resource/Dispatch%20Job/DJ-1') {
        const before = jobs[0].modified
        Object.assign(jobs[0], JSON.parse(call.body!) as Record<string, string>, { modified: `${before}+` })
        return ok({ data: jobs[0] })
      }
      if (call.path === '/api/resource/Dispatch%20Job/DJ-1') return ok({ data: jobs[0] })
      return ok({ exc_type: 'DoesNotExistError' }, 404)
    })
    // Events delivered a moment after they are published, as through Redis.
    const memory = createMemoryBus()
    const bus = {
      ...memory,
      publish: (type: string, data: unknown) => void setTimeout(() => memory.publish(type, data), 5),
    }
    const app = createApp(testConfig(), { erp, hub: noHub, bus })
    const stream = await techStream(app)
    bus.publish('doc_update', { doctype: 'Customer', name: 'CUST-1', modified: 'x' })
    await stream.until('"CUST-1"')
    expect(await writeJob(app, { technician: 'TECH-007', modified: 'a' })).toBe(200)
    // Another technician's job from now on: its next change is not theirs.
    expect(await writeJob(app, { description: 'Porte de côté', modified: 'b' })).toBe(200)
    bus.publish('doc_update', { doctype: 'Tag', name: 'end', modified: 'c' })
    await stream.until('"end"')
    stream.close()
    // Their day must drop it: the event reaches them although their reach no longer lists it.
    expect(stream.text().match(/"doctype":"Dispatch Job","name":"DJ-1"/g)).toHaveLength(1)
    // Without naming the colleague who has it now.
    expect(stream.text()).not.toContain('TECH-007')
  })

  it('stops a technician reading the customer of a job taken off them through another replica, and lets them once it is given back, as the events come', async () => {
    const jobs = [
      { name: 'DJ-1', service_location: 'LOC-1', customer: 'CUST-1', technician: 'TECH-001', modified: 'a' },
    ]
    const erp = recordingErp((call: RecordedCall) => {
      if (call.path.startsWith('/api/resource/Technician?')) return ok({ data: [{ name: 'TECH-001' }] })
      if (call.path.startsWith('/api/resource/Dispatch%20Job?'))
        return ok({ data: jobs.filter((j) => call.path.includes(encodeURIComponent(j.technician))) })
      if (call.method === 'PUT' && call.path === '/api/resource/Dispatch%20Job/DJ-1') {
        Object.assign(jobs[0], JSON.parse(call.body!) as Record<string, string>, { modified: 'b' })
        return ok({ data: jobs[0] })
      }
      if (call.path === '/api/resource/Dispatch%20Job/DJ-1') return ok({ data: jobs[0] })
      if (call.path === '/api/resource/Customer/CUST-1')
        return ok({ data: { name: 'CUST-1', customer_name: 'Gilles' } })
      if (call.path === '/api/method/frappe.client.get_count') {
        // The reach check: CUST-1 counted while the technician's reach lists it.
        const { filters } = JSON.parse(call.body!) as { filters: [string, string, string, unknown][] }
        const reach = filters.find((f) => f[2] === 'in')?.[3] as string[] | undefined
        return ok({ message: reach?.includes('CUST-1') ? 1 : 0 })
      }
      return ok({ exc_type: 'DoesNotExistError' }, 404)
    })
    const bus = createMemoryBus()
    const app = createApp(testConfig(), { erp, hub: noHub, bus })
    const other = createApp(testConfig(), { erp, hub: noHub, bus })
    const read = async () => (await app.fetch(staffRequest('/ops/api/erp/resource/Customer/CUST-1', STAFF.tech))).status
    expect(await read()).toBe(200)
    expect(await writeJob(other, { technician: 'TECH-007', modified: 'a' })).toBe(200)
    // Within the few seconds the reach was kept for, and without a write through this replica.
    expect(await read()).toBe(404)

    // Given back to them through the other replica: theirs to read again here at once.
    expect(await writeJob(other, { technician: 'TECH-001', modified: 'b' })).toBe(200)
    expect(await read()).toBe(200)
  })

  it.each([
    ['this replica', false],
    ['another replica', true],
  ])(
    'sends the customer of a job just given to them through %s at once, not once their reach is looked up again',
    async (_, elsewhere) => {
      const jobs = [{ name: 'DJ-1', service_location: 'LOC-1', customer: 'CUST-1', technician: 'TECH-001' }]
      const erp = recordingErp((call: RecordedCall) => {
        if (call.path.startsWith('/api/resource/Technician?')) return ok({ data: [{ name: 'TECH-001' }] })
        if (call.path.startsWith('/api/resource/Dispatch%20Job?')) return ok({ data: jobs })
        if (call.method === 'POST' && call.path === '/api/resource/Dispatch%20Job') {
          const job: Record<string, string> = { ...(JSON.parse(call.body!) as Record<string, string>), name: 'DJ-5' }
          jobs.push({ name: job.name, service_location: '', customer: job.customer, technician: job.technician })
          return ok({ data: job })
        }
        const job = jobs.find((j) => call.path === `/api/resource/Dispatch%20Job/${j.name}`)
        return job ? ok({ data: job }) : ok({ exc_type: 'DoesNotExistError' }, 404)
      })
      const bus = createMemoryBus()
      const app = createApp(testConfig(), { erp, hub: noHub, bus })
      // Another replica: its own kept reaches, the same ERPNext and the same events.
      const writer = elsewhere ? createApp(testConfig(), { erp, hub: noHub, bus }) : app
      const stream = await techStream(app)
      // Their reach is looked up (and kept a few seconds) for the first event.
      bus.publish('doc_update', { doctype: 'Customer', name: 'CUST-1', modified: 'a' })
      await stream.until('"CUST-1"')
      const created = await writer.fetch(
        staffRequest('/ops/api/erp/resource/Dispatch%20Job', STAFF.dispatcher, {
          method: 'POST',
          body: JSON.stringify({ customer: 'CUST-5', technician: 'TECH-001', job_type: 'Repair' }),
        }),
      )
      expect(created.status).toBe(200)
      bus.publish('doc_update', { doctype: 'Customer', name: 'CUST-5', modified: 'b' })
      bus.publish('doc_update', { doctype: 'Tag', name: 'end', modified: 'c' })
      await stream.until('"end"')
      stream.close()
      expect(stream.text()).toContain('"CUST-5"')
    },
  )
})
