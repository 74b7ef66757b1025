import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startErpnext } from '../erpnext/index'
import { createHub, type Hub } from './index'
import type { DeviceDocument } from './devices/document'
import { deviceCategory } from './devices/simulate'
import type { TraccarPosition } from './traccar'
import { nextEvent } from './testing/harness'

/**
 * The hub over the real embedded ERPNext, over HTTP with a token — the path `npm start` takes.
 * Documents are created through ERPNext's REST API, as the seed or the BFF would.
 */

const ERP_TOKEN = 'hub-it-key:hub-it-secret'
const HUB_TOKEN = 'hub-it-token'
let erp: Awaited<ReturnType<typeof startErpnext>>
let hub: Hub
const clock = { now: new Date('2026-11-27T15:00:00Z') } // 10:00 in Saint-Jérôme

async function erpPost<T>(doctype: string, doc: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${erp.url}/api/resource/${encodeURIComponent(doctype)}`, {
    method: 'POST',
    headers: { authorization: `token ${ERP_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(doc),
  })
  if (!res.ok) throw new Error(`${doctype}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { data: T }).data
}
async function erpList<T>(doctype: string, filters: unknown[]): Promise<T[]> {
  const q = new URLSearchParams({ fields: '["*"]', filters: JSON.stringify(filters), limit_page_length: '0' })
  const res = await fetch(`${erp.url}/api/resource/${encodeURIComponent(doctype)}?${q}`, {
    headers: { authorization: `token ${ERP_TOKEN}` },
  })
  return ((await res.json()) as { data: T[] }).data
}
const call = (method: string, path: string, body?: unknown) =>
  Promise.resolve(
    hub.app.fetch(
      new Request(`http://hub${path}`, {
        method,
        headers: { authorization: `Bearer ${HUB_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      }),
    ),
  )

let serial = ''
let jobName = ''
beforeAll(async () => {
  erp = await startErpnext({ dataDir: null, token: ERP_TOKEN, seedProfile: 'none', port: 0, now: () => clock.now })
  hub = createHub({
    erpUrl: erp.url,
    erpToken: ERP_TOKEN,
    hubToken: HUB_TOKEN,
    dataDir: null,
    now: () => clock.now,
    timing: { smsStepMs: 5, deviceTimeoutMs: 30 },
  })
  const customer = await erpPost<{ name: string }>('Customer', {
    customer_name: 'Julie Tremblay',
    mobile_no: '+15145551234',
  })
  const loc = await erpPost<{ name: string }>('Service Location', {
    customer: customer.name,
    address_line: '12 rue Labelle',
    city: 'Saint-Jérôme',
    latitude: 45.7,
    longitude: -73.9,
    olt_name: 'OLT-STJ-01',
    olt_port: '1/1/3:12',
  })
  for (let i = 0; !serial; i++) {
    const s = `GPON${(0x1a2b3c00 + i).toString(16).toUpperCase()}`
    if (deviceCategory(s) === 'healthy') serial = s
  }
  await erpPost('Service Equipment', {
    customer: customer.name,
    service_location: loc.name,
    equipment_type: 'ONT',
    serial_no: serial,
    mac_address: '9C:A2:F4:11:22:33',
  })
  const tech = await erpPost<{ name: string }>('Technician', {
    full_name: 'Julien Gagnon',
    email: 'julien.gagnon@gigafibre.ca',
    status: 'Active',
    traccar_device_id: 1001,
    home_latitude: 45.78,
    home_longitude: -74.0,
    shift_start: '08:00',
    shift_end: '16:30',
  })
  const job = await erpPost<{ name: string }>('Dispatch Job', {
    job_type: 'Installation',
    status: 'Scheduled',
    customer: customer.name,
    service_location: loc.name,
    technician: tech.name,
    scheduled_start: '2026-11-27 09:30:00',
    duration_minutes: 90,
    latitude: 45.7,
    longitude: -73.9,
  })
  jobName = job.name
})
afterAll(async () => {
  hub?.close()
  await erp?.close()
})

describe('embedded hub over the embedded ERPNext', () => {
  it('places the technician at their job during its slot', async () => {
    const res = await call('GET', '/traccar/positions?deviceId=1001')
    expect(res.status).toBe(200)
    const p = (await res.json()) as TraccarPosition
    expect([p.latitude, p.longitude, p.speed]).toEqual([45.7, -73.9, 0])
  })

  it('diagnoses the ONT with its OLT port', async () => {
    const res = await call('GET', `/devices/lookup?mac=9ca2f4112233`)
    expect(res.status).toBe(200)
    const doc = (await res.json()) as DeviceDocument
    expect(doc.serial).toBe(serial)
    expect(doc.opticalStatus[0]).toMatchObject({ oltName: 'OLT-STJ-01', oltPort: '1/1/3:12', status: 'ok' })
  })

  it('changes a job for a technician’s SMS link and says so', async () => {
    const event = nextEvent(hub.events, (e) => e.type === 'job.updated')
    const res = await call('POST', `/jobs/${jobName}/status`, { status: 'In Progress' })
    expect(res.status).toBe(200)
    const [job] = await erpList<{ status: string; modified: string }>('Dispatch Job', [['name', '=', jobName]])
    expect(job.status).toBe('In Progress')
    expect((await event).data).toEqual({ name: jobName, modified: job.modified })
  })

  it('logs a sent SMS and its delivery in the customer timeline', async () => {
    const delivered = nextEvent(
      hub.events,
      (e) => e.type === 'sms.status' && (e.data as { status: string }).status === 'delivered',
    )
    const res = await call('POST', '/sms/send', { to: '+15145551234', body: 'Bonjour Julie', customer: 'CUST-00001' })
    expect(res.status).toBe(202)
    const { sid } = (await res.json()) as { sid: string }
    await delivered
    const [comm] = await erpList<Record<string, unknown>>('Communication', [['message_id', '=', sid]])
    expect(comm).toMatchObject({
      communication_medium: 'SMS',
      sent_or_received: 'Sent',
      delivery_status: 'delivered',
      reference_name: 'CUST-00001',
    })
  })

  it('creates the ERPNext User of an invited staff member', async () => {
    const res = await call('POST', '/auth/users', {
      email: 'nouveau.tech@gigafibre.ca',
      first_name: 'Nouveau',
      last_name: 'Tech',
      groups: ['ops-tech'],
    })
    expect(res.status).toBe(201)
    expect(((await res.json()) as { erpnext: unknown }).erpnext).toEqual({
      created: true,
      name: 'nouveau.tech@gigafibre.ca',
    })
    const [user] = await erpList<{ user_type: string }>('User', [['email', '=', 'nouveau.tech@gigafibre.ca']])
    expect(user.user_type).toBe('System User')
  })
})
