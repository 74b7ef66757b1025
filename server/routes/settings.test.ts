import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CapabilityTable, JournalPage } from '../../src/contracts/settings'
import { createApp } from '../app'
import { createAuditJournal } from '../audit'
import { noHub, ok, recordingErp, STAFF, staffRequest, testConfig } from '../testing'
import type { HubClient } from '../upstream/hub'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const TEMP_PASSWORD = 'Kx7mPq4RtW9zNa'
const HUB_TOKEN = 'hub-secret-token-123'

/** A hub that answers invitations the way HUB.md says, with a temporary password in the answer. */
function invitingHub(): HubClient {
  const answer = (status: number, body: unknown) => ({
    status,
    body: JSON.stringify(body),
    contentType: 'application/json',
  })
  return {
    baseUrl: 'http://hub.test',
    token: HUB_TOKEN,
    async send(method, path) {
      if (method === 'POST' && path === '/auth/users') {
        return answer(201, {
          username: 'nadia.tremblay',
          email: 'nadia.tremblay@gigafibre.ca',
          groups: ['ops-csr'],
          temp_password: TEMP_PASSWORD,
          emailed: true,
          erpnext: { created: true, name: 'nadia.tremblay@gigafibre.ca' },
        })
      }
      if (method === 'POST' && path === '/sms/send') return answer(202, { sid: 'SM123', status: 'queued' })
      if (method === 'POST' && path === '/vision/barcodes') return answer(200, { barcodes: [] })
      return answer(404, { error: { code: 'NOT_FOUND', message: 'none' } })
    },
    json: async () => ({ status: 404, data: null }),
  }
}

function setup(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'settings-'))
  dirs.push(dataDir)
  const erp = recordingErp((call) => {
    if (call.method === 'PUT')
      return ok({
        data: { name: decodeURIComponent(call.path.split('/').pop()!), modified: '2026-03-02 10:00:00.000001' },
      })
    return ok({ data: [] })
  })
  const audit = createAuditJournal(dataDir)
  const app = createApp(testConfig(env), { erp, hub: invitingHub(), audit })
  return { app, dataDir }
}

const post = (
  url: string,
  who: { email: string; groups: string },
  body: unknown,
  headers: Record<string, string> = {},
) =>
  staffRequest(url, who, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  })

describe('GET /ops/api/capabilities', () => {
  it('shows an admin which groups grant which capabilities', async () => {
    const { app } = setup()
    const res = await app.fetch(staffRequest('/ops/api/capabilities', STAFF.admin))
    expect(res.status).toBe(200)
    const table = (await res.json()) as CapabilityTable
    expect(table.groups.map((g) => g.group)).toEqual(['ops-admin', 'ops-dispatch', 'ops-csr', 'ops-tech'])
    expect(table.groups.find((g) => g.group === 'ops-tech')!.capabilities).toEqual(['tech:self'])
    expect(table.capabilities).toContain('audit:view')
  })

  it('is the live table: a deployment’s CAPABILITY_MAP replaces the default', async () => {
    const { app } = setup({
      CAPABILITY_MAP: JSON.stringify({ 'it-admins': ['users:manage'], support: ['clients:view'] }),
    })
    const res = await app.fetch(
      staffRequest('/ops/api/capabilities', { email: 'root@gigafibre.ca', groups: 'it-admins' }),
    )
    expect(((await res.json()) as CapabilityTable).groups).toEqual([
      { group: 'it-admins', capabilities: ['users:manage'] },
      { group: 'support', capabilities: ['clients:view'] },
    ])
  })

  it('is refused to anyone who cannot manage users (403), and to strangers (401)', async () => {
    const { app } = setup()
    const dispatcher = await app.fetch(staffRequest('/ops/api/capabilities', STAFF.dispatcher))
    expect(dispatcher.status).toBe(403)
    expect((await dispatcher.json()).error.code).toBe('FORBIDDEN')
    expect((await app.fetch(staffRequest('/ops/api/capabilities', null))).status).toBe(401)
  })
})

describe('GET /ops/api/audit', () => {
  it('records every write through the BFF with who, when, what, the outcome and the request id', async () => {
    const { app } = setup()
    await app.fetch(
      post(
        '/ops/api/hub/auth/users',
        STAFF.admin,
        { email: 'nadia.tremblay@gigafibre.ca', first_name: 'Nadia', last_name: 'Tremblay', groups: ['ops-csr'] },
        { 'x-request-id': 'req-invite' },
      ),
    )
    await app.fetch(
      staffRequest('/ops/api/erp/resource/Technician/TECH-003', STAFF.admin, {
        method: 'PUT',
        body: '{"color":"#1E88E5"}',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-edit' },
      }),
    )
    await app.fetch(
      post(
        '/ops/api/hub/sms/send',
        STAFF.csr,
        { to: '+15145551234', body: 'Votre technicien arrive', customer: 'CUST-00012' },
        { 'x-request-id': 'req-sms' },
      ),
    )
    await app.fetch(
      post(
        '/ops/api/hub/vision/barcodes',
        STAFF.tech,
        { image: 'aGVsbG8=' },
        { 'x-request-id': 'req-scan', 'idempotency-key': 'scan-42' },
      ),
    )

    const res = await app.fetch(staffRequest('/ops/api/audit', STAFF.admin))
    expect(res.status).toBe(200)
    const page = (await res.json()) as JournalPage
    const pick = (e: JournalPage['entries'][number]) => ({
      requestId: e.requestId,
      actor: e.actor,
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      status: e.status,
    })
    expect(page.entries.map(pick)).toEqual([
      {
        requestId: 'req-scan',
        actor: STAFF.tech.email,
        action: 'hub.vision',
        target: 'scan scan-42',
        outcome: 'ok',
        status: 200,
      },
      {
        requestId: 'req-sms',
        actor: STAFF.csr.email,
        action: 'hub.sms',
        target: 'Customer CUST-00012 (SM123)',
        outcome: 'ok',
        status: 202,
      },
      {
        requestId: 'req-edit',
        actor: STAFF.admin.email,
        action: 'erp.update',
        target: 'Technician/TECH-003',
        outcome: 'ok',
        status: 200,
      },
      {
        requestId: 'req-invite',
        actor: STAFF.admin.email,
        action: 'hub.invite',
        target: 'User nadia.tremblay@gigafibre.ca',
        outcome: 'ok',
        status: 201,
      },
    ])
    for (const e of page.entries) expect(Date.parse(e.at)).not.toBeNaN()
  })

  it('never holds a temporary password, a token or a message body, neither on disk nor in its answer', async () => {
    const { app, dataDir } = setup()
    const invite = await app.fetch(
      post('/ops/api/hub/auth/users', STAFF.admin, { email: 'nadia.tremblay@gigafibre.ca', groups: ['ops-csr'] }),
    )
    expect((await invite.json()).temp_password).toBe(TEMP_PASSWORD) // the admin does get it, once
    await app.fetch(
      post('/ops/api/hub/sms/send', STAFF.csr, { to: '+15145551234', body: 'Code porte 4321', customer: 'CUST-00012' }),
    )
    const files = readdirSync(join(dataDir, 'audit'))
    const onDisk = files.map((f) => readFileSync(join(dataDir, 'audit', f), 'utf8')).join('')
    const served = await (await app.fetch(staffRequest('/ops/api/audit', STAFF.admin))).text()
    for (const text of [onDisk, served]) {
      expect(text).toContain('hub.invite')
      expect(text).not.toContain(TEMP_PASSWORD)
      expect(text).not.toContain('temp_password')
      expect(text).not.toContain(HUB_TOKEN)
      expect(text).not.toContain('Code porte')
    }
  })

  it('searches and filters, and pages with the cursor it gives', async () => {
    const { app } = setup()
    for (let i = 0; i < 5; i++) {
      await app.fetch(
        staffRequest(`/ops/api/erp/resource/Technician/TECH-00${i}`, STAFF.admin, {
          method: 'PUT',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        }),
      )
    }
    await app.fetch(
      post('/ops/api/hub/auth/users', STAFF.admin, { email: 'nadia.tremblay@gigafibre.ca', groups: ['ops-csr'] }),
    )
    const read = async (qs: string) =>
      (await (await app.fetch(staffRequest(`/ops/api/audit?${qs}`, STAFF.admin))).json()) as JournalPage
    expect((await read('q=nadia')).entries.map((e) => e.action)).toEqual(['hub.invite'])
    expect((await read('action=erp.')).entries).toHaveLength(5)
    expect((await read('actor=marc')).entries).toHaveLength(0)
    const first = await read('action=erp.update&limit=3')
    expect(first.entries.map((e) => e.target)).toEqual([
      'Technician/TECH-004',
      'Technician/TECH-003',
      'Technician/TECH-002',
    ])
    const second = await read(`action=erp.update&limit=3&before=${encodeURIComponent(first.next!)}`)
    expect(second.entries.map((e) => e.target)).toEqual(['Technician/TECH-001', 'Technician/TECH-000'])
    expect(second.next).toBeNull()
  })

  it('is refused without audit:view (a CSR gets 403), and reads no file for them', async () => {
    const { app } = setup()
    const res = await app.fetch(staffRequest('/ops/api/audit', STAFF.csr))
    expect(res.status).toBe(403)
    expect((await res.json()).error.messages.fr).toMatch(/rôle/)
    expect((await app.fetch(staffRequest('/ops/api/audit', null))).status).toBe(401)
  })

  it('explains a bad page size or cursor in a sentence', async () => {
    const { app } = setup()
    const limit = await app.fetch(staffRequest('/ops/api/audit?limit=5000', STAFF.admin))
    expect(limit.status).toBe(400)
    expect((await limit.json()).error.messages.fr).toMatch(/de 1 à 200/)
    const cursor = await app.fetch(staffRequest('/ops/api/audit?before=yesterday', STAFF.admin))
    expect((await cursor.json()).error.code).toBe('BAD_CURSOR')
  })

  it('answers an empty journal when the BFF keeps none', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    const page = (await (await app.fetch(staffRequest('/ops/api/audit', STAFF.admin))).json()) as JournalPage
    expect(page).toEqual({ entries: [], next: null, budgetReached: false })
  })
})
