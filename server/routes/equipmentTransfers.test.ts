import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BffErrorBody } from '../../src/contracts/capabilities'
import type { Issue, ServiceEquipment } from '../../src/contracts/doctypes'
import type { PendingTransferList, TransferConfirmAnswer } from '../../src/contracts/equipmentTransfer'
import { toFrappeDate } from '../../src/contracts/frappeTime'
import type { ScanSaveAnswer } from '../../src/contracts/tech'
import { createApp } from '../app'
import { createAuditJournal, type AuditJournal } from '../audit'
import { testErp, type TestErp } from '../embedded/erpnext/testing'
import { createMemoryBus, type BusEvent } from '../events/bus'
import { noHub, STAFF, staffRequest, testConfig, inProcessErp } from '../testing'

const clientOf = inProcessErp

type Who = { email: string; groups: string } | null

const ELSEWHERE_FR =
  'Cet équipement est enregistré chez un autre client. La répartition ou le service à la clientèle doit confirmer le transfert.'
const ELSEWHERE_EN =
  'This equipment is registered at another customer. Dispatch or customer service must confirm the transfer.'

let erp: TestErp
let app: ReturnType<typeof createApp>
let audit: AuditJournal
let auditDir: string
let events: BusEvent[]
/** The technician's job at Marie Côté's, and a modem in service at Paul Roy's. */
let job: { name: string; customer: string; location: string }
let theirs: { name: string; customer: string; location: string; serial: string }

async function seed() {
  erp = testErp({ now: () => new Date() })
  const julien = await erp.create('Technician', { full_name: 'Julien Gagnon', email: STAFF.tech.email })
  const marie = await erp.create('Customer', { customer_name: 'Marie Côté' })
  const marieHome = await erp.create('Service Location', {
    customer: marie.name,
    address_line: '12 rue Principale',
    city: 'Sherbrooke',
  })
  const paul = await erp.create('Customer', { customer_name: 'Paul Roy' })
  const paulHome = await erp.create('Service Location', {
    customer: paul.name,
    address_line: '45 rue King Ouest',
    city: 'Sherbrooke',
  })
  const created = await erp.create('Dispatch Job', {
    job_type: 'Installation',
    status: 'Scheduled',
    technician: julien.name,
    customer: marie.name,
    service_location: marieHome.name,
    scheduled_start: `${toFrappeDate(new Date())} 09:00:00.000000`,
    duration_minutes: 60,
    address: '12 rue Principale, Sherbrooke',
  })
  const modem = await erp.create('Service Equipment', {
    customer: paul.name,
    service_location: paulHome.name,
    equipment_type: 'ONT',
    brand: 'Huawei',
    model: 'HG8245X6',
    serial_no: 'HWTC12345678',
    mac_address: 'AA:BB:CC:00:11:22',
    status: 'In Service',
    installed_on: '2025-06-02',
  })
  job = { name: String(created.name), customer: String(marie.name), location: String(marieHome.name) }
  theirs = {
    name: String(modem.name),
    customer: String(paul.name),
    location: String(paulHome.name),
    serial: 'HWTC12345678',
  }

  auditDir = mkdtempSync(join(tmpdir(), 'ops-transfer-audit-'))
  audit = createAuditJournal(auditDir)
  const bus = createMemoryBus()
  events = []
  bus.subscribe((e) => {
    events.push(e)
  })
  app = createApp(testConfig(), { erp: clientOf(erp), hub: noHub, audit, bus })
}

const scan = (scanId: string, serial = theirs.serial, who: Who = STAFF.tech) =>
  app.fetch(
    staffRequest(`/ops/api/tech/scans/${scanId}`, who, {
      method: 'PUT',
      body: JSON.stringify({ job: job.name, serial_no: serial, equipment_type: 'ONT' }),
      headers: { 'content-type': 'application/json' },
    }),
  )
const pending = (who: Who, customer = job.customer) =>
  app.fetch(staffRequest(`/ops/api/equipment-transfers?customer=${customer}`, who))
const confirm = (ticket: string, who: Who) =>
  app.fetch(
    staffRequest(`/ops/api/equipment-transfers/${ticket}/confirm`, who, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    }),
  )

async function equipment(name: string): Promise<ServiceEquipment> {
  return (await erp.get<{ data: ServiceEquipment }>(`/api/resource/Service%20Equipment/${name}`)).body.data
}
async function ticketsAbout(serial: string): Promise<Issue[]> {
  const q = new URLSearchParams({
    fields: '["*"]',
    filters: JSON.stringify([['subject', 'like', `%${serial}%`]]),
    limit_page_length: '0',
  })
  return (await erp.get<{ data: Issue[] }>(`/api/resource/Issue?${q}`)).body.data
}
async function equipmentWithSerial(serial: string): Promise<ServiceEquipment[]> {
  const q = new URLSearchParams({
    fields: '["name"]',
    filters: JSON.stringify([['serial_no', '=', serial]]),
    limit_page_length: '0',
  })
  return (await erp.get<{ data: ServiceEquipment[] }>(`/api/resource/Service%20Equipment?${q}`)).body.data
}

describe('a scan of equipment registered at another customer', () => {
  beforeEach(seed)
  afterEach(() => rmSync(auditDir, { recursive: true, force: true }))

  it('is refused with the reason, moves nothing, is journaled, and opens one ticket even when replayed', async () => {
    const before = await equipment(theirs.name)
    const first = await scan('scan-elsewhere-0001')
    expect(first.status).toBe(409)
    const body = (await first.json()) as BffErrorBody
    expect(body.error.code).toBe('EQUIPMENT_AT_OTHER_CUSTOMER')
    expect(body.error.messages.fr).toContain(ELSEWHERE_FR)
    expect(body.error.messages.en).toContain(ELSEWHERE_EN)

    const after = await equipment(theirs.name)
    expect(after).toEqual(before)
    expect(after).toMatchObject({ customer: theirs.customer, service_location: theirs.location, status: 'In Service' })
    expect(after.dispatch_job).toBeUndefined()
    expect(after.scan_id).toBeUndefined()

    const replay = await scan('scan-elsewhere-0001')
    expect(replay.status).toBe(409)
    expect(((await replay.json()) as BffErrorBody).error.code).toBe('EQUIPMENT_AT_OTHER_CUSTOMER')
    expect(await equipment(theirs.name)).toEqual(before)

    const tickets = await ticketsAbout(theirs.serial)
    expect(tickets).toHaveLength(1)
    expect(tickets[0]).toMatchObject({
      subject: `Transfert d’équipement à confirmer : ${theirs.serial}`,
      customer: job.customer,
      service_location: job.location,
      status: 'Open',
      raised_by: STAFF.tech.email,
    })
    expect(tickets[0].description).toContain(theirs.name)
    expect(tickets[0].description).toContain(job.name)
    expect(tickets[0].description).toContain('Julien Gagnon (TECH-001)')
    expect(body.error.messages.fr).toContain(tickets[0].name)

    const journal = audit.read({ action: 'tech.scan.elsewhere', limit: 10 }).entries
    expect(journal).toHaveLength(2)
    for (const entry of journal) {
      expect(entry).toMatchObject({
        actor: STAFF.tech.email,
        outcome: 'refused',
        status: 409,
        target: `Service Equipment/${theirs.name} → Dispatch Job/${job.name} (scan scan-elsewhere-0001)`,
      })
      // Ids only: no customer's name or address in the journal.
      expect(JSON.stringify(entry)).not.toMatch(/Paul Roy|Marie Côté|rue/)
    }
    expect(audit.read({ action: 'tech.scan.', limit: 10 }).entries.filter((e) => e.outcome === 'ok')).toEqual([])
  })

  it('replays arriving together still leave a single ticket', async () => {
    const answers = await Promise.all([
      scan('scan-elsewhere-race'),
      scan('scan-elsewhere-race'),
      scan('scan-elsewhere-race'),
    ])
    expect(answers.map((a) => a.status)).toEqual([409, 409, 409])
    expect(await ticketsAbout(theirs.serial)).toHaveLength(1)
  })

  it('is refused too at another address of the same customer; at the job’s own address, or as a spare, it is installed as before', async () => {
    const otherHome = await erp.create('Service Location', {
      customer: job.customer,
      address_line: '3 chemin du Lac',
      city: 'Magog',
    })
    const cottage = await erp.create('Service Equipment', {
      customer: job.customer,
      service_location: otherHome.name,
      equipment_type: 'Router',
      serial_no: 'DECO00000001',
      status: 'In Service',
    })
    const refused = await scan('scan-cottage-0001', 'DECO00000001')
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as BffErrorBody).error.code).toBe('EQUIPMENT_AT_OTHER_LOCATION')
    expect(await equipment(String(cottage.name))).toMatchObject({ service_location: otherHome.name })

    await erp.create('Service Equipment', {
      customer: job.customer,
      service_location: job.location,
      equipment_type: 'ONT',
      serial_no: 'ZTEG00000002',
      status: 'Defective',
    })
    const here = await scan('scan-here-00001', 'ZTEG00000002')
    expect(here.status).toBe(200)
    expect((await here.json()) as ScanSaveAnswer).toMatchObject({
      outcome: 'updated',
      equipment: { status: 'In Service', dispatch_job: job.name },
    })

    // Returned to the warehouse: the customer is cleared, a stale address may remain.
    await erp.create('Service Equipment', {
      service_location: theirs.location,
      equipment_type: 'ONT',
      serial_no: 'ZTEG00000003',
      status: 'Returned',
    })
    const spare = await scan('scan-spare-00001', 'ZTEG00000003')
    expect(spare.status).toBe(200)
    expect(((await spare.json()) as ScanSaveAnswer).equipment).toMatchObject({
      customer: job.customer,
      service_location: job.location,
      scan_id: 'scan-spare-00001',
    })
  })
})

describe('confirming an equipment transfer', () => {
  beforeEach(seed)
  afterEach(() => rmSync(auditDir, { recursive: true, force: true }))

  it('a CSR sees the request on the job’s customer and confirms it; the equipment moves; the technician’s retry answers already', async () => {
    expect((await scan('scan-transfer-0001')).status).toBe(409)

    const listed = await pending(STAFF.csr)
    expect(listed.status).toBe(200)
    const { transfers } = (await listed.json()) as PendingTransferList
    expect(transfers).toHaveLength(1)
    const [ticket] = await ticketsAbout(theirs.serial)
    expect(transfers[0]).toEqual({
      ticket: ticket.name,
      opened: toFrappeDate(new Date()),
      scanId: 'scan-transfer-0001',
      equipment: {
        name: theirs.name,
        equipment_type: 'ONT',
        brand: 'Huawei',
        model: 'HG8245X6',
        serial_no: theirs.serial,
        mac_address: 'AA:BB:CC:00:11:22',
        status: 'In Service',
        customer: theirs.customer,
        customer_name: 'Paul Roy',
        service_location: theirs.location,
        address: '45 rue King Ouest, Sherbrooke',
      },
      job: {
        name: job.name,
        job_type: 'Installation',
        scheduled_start: expect.stringMatching(/ 09:00:00/),
        service_location: job.location,
        address: '12 rue Principale, Sherbrooke',
      },
      technician: { name: 'TECH-001', full_name: 'Julien Gagnon' },
    })
    expect(((await (await pending(STAFF.csr, theirs.customer)).json()) as PendingTransferList).transfers).toEqual([])

    events.length = 0
    const confirmed = await confirm(ticket.name, STAFF.csr)
    expect(confirmed.status).toBe(200)
    const answer = (await confirmed.json()) as TransferConfirmAnswer
    expect(answer).toMatchObject({ outcome: 'moved', ticket: ticket.name, equipment: { name: theirs.name } })

    expect(await equipment(theirs.name)).toMatchObject({
      customer: job.customer,
      service_location: job.location,
      dispatch_job: job.name,
      status: 'In Service',
      scan_id: 'scan-transfer-0001',
      serial_no: theirs.serial,
      mac_address: 'AA:BB:CC:00:11:22',
    })
    const [resolved] = await ticketsAbout(theirs.serial)
    expect(resolved.status).toBe('Resolved')
    expect(resolved.description).toMatch(/^Transfert confirmé par isabelle\.roy@gigafibre\.ca le /)
    expect(
      events.filter((e) => e.type === 'doc_update').map((e) => e.data as { doctype: string; name: string }),
    ).toEqual([
      expect.objectContaining({ doctype: 'Service Equipment', name: theirs.name }),
      expect.objectContaining({ doctype: 'Issue', name: ticket.name }),
    ])
    const journal = audit.read({ action: 'equipment.transfer', limit: 10 }).entries
    expect(journal).toEqual([
      expect.objectContaining({
        actor: STAFF.csr.email,
        outcome: 'ok',
        status: 200,
        target: `Service Equipment/${theirs.name} → Dispatch Job/${job.name} (Issue/${ticket.name}, scan scan-transfer-0001)`,
        detail: `from ${theirs.customer}/${theirs.location} to ${job.customer}/${job.location}`,
      }),
    ])

    const retry = await scan('scan-transfer-0001')
    expect(retry.status).toBe(200)
    expect((await retry.json()) as ScanSaveAnswer).toMatchObject({
      outcome: 'already',
      equipment: { name: theirs.name },
    })
    expect(await equipmentWithSerial(theirs.serial)).toHaveLength(1)
    expect(await ticketsAbout(theirs.serial)).toHaveLength(1)
    expect(((await (await pending(STAFF.csr)).json()) as PendingTransferList).transfers).toEqual([])

    // A second click (or a colleague's) changes nothing more.
    const again = await confirm(ticket.name, STAFF.dispatcher)
    expect(again.status).toBe(200)
    expect(((await again.json()) as TransferConfirmAnswer).outcome).toBe('already')
    expect(audit.read({ action: 'equipment.transfer', limit: 10 }).entries).toHaveLength(1)
  })

  it('a dispatcher may confirm too', async () => {
    await scan('scan-transfer-0002')
    const [ticket] = await ticketsAbout(theirs.serial)
    const confirmed = await confirm(ticket.name, STAFF.dispatcher)
    expect(confirmed.status).toBe(200)
    expect(await equipment(theirs.name)).toMatchObject({ customer: job.customer, scan_id: 'scan-transfer-0002' })
  })

  it('a technician cannot confirm (403), nor anyone signed out (401), and nothing moves', async () => {
    await scan('scan-transfer-0003')
    const [ticket] = await ticketsAbout(theirs.serial)
    const before = await equipment(theirs.name)

    const byTech = await confirm(ticket.name, STAFF.tech)
    expect(byTech.status).toBe(403)
    expect(((await byTech.json()) as BffErrorBody).error.code).toBe('FORBIDDEN')
    expect((await confirm(ticket.name, null)).status).toBe(401)
    expect((await pending(STAFF.tech)).status).toBe(403)
    expect((await pending(null)).status).toBe(401)

    expect(await equipment(theirs.name)).toEqual(before)
    expect((await ticketsAbout(theirs.serial))[0].status).toBe('Open')
    expect(audit.read({ action: 'equipment.transfer', limit: 10 }).entries).toEqual([
      expect.objectContaining({ actor: STAFF.tech.email, outcome: 'refused', status: 403 }),
    ])
    expect((await scan('scan-transfer-0003')).status).toBe(409)
  })

  it('refuses what would move the wrong thing: a ticket that is not a transfer, equipment changed since the scan', async () => {
    const plain = await erp.create('Issue', {
      subject: 'Pas de signal',
      customer: job.customer,
      description: 'Le modem clignote rouge.',
    })
    const notATransfer = await confirm(String(plain.name), STAFF.csr)
    expect(notATransfer.status).toBe(404)
    expect(((await notATransfer.json()) as BffErrorBody).error.code).toBe('NOT_A_TRANSFER')

    await scan('scan-transfer-0004')
    const [ticket] = await ticketsAbout(theirs.serial)
    // Someone corrects the modem's serial in ERPNext before anyone confirms.
    await erp.put(`/api/resource/Service%20Equipment/${theirs.name}`, { serial_no: 'HWTC99999999' })
    const changed = await confirm(ticket.name, STAFF.csr)
    expect(changed.status).toBe(409)
    expect(((await changed.json()) as BffErrorBody).error.code).toBe('SERIAL_CHANGED')
    expect(await equipment(theirs.name)).toMatchObject({ customer: theirs.customer, service_location: theirs.location })
  })
})
