import { beforeEach, describe, expect, it } from 'vitest'
import { addDays, toFrappeDate } from '../../src/contracts/frappeTime'
import type { TechDay, TechDayJobs, TechJobDetail, ScanSaveAnswer } from '../../src/contracts/tech'
import { createApp } from '../app'
import { testErp, type TestErp } from '../embedded/erpnext/testing'
import { noHub, STAFF, staffRequest, testConfig, inProcessErp } from '../testing'
import type { HubClient } from '../upstream/hub'
import { createMemoryBus } from '../events/bus'

const clientOf = inProcessErp

const today = toFrappeDate(new Date())
let erp: TestErp
let app: ReturnType<typeof createApp>
let mine: { today: string; tomorrow: string; yesterday: string; other: string }

async function seed() {
  erp = testErp({ now: () => new Date() })
  await erp.create('Tag', { tag_name: 'Fibre', category: 'Skill' })
  const julien = await erp.create('Technician', { full_name: 'Julien Gagnon', email: STAFF.tech.email })
  const other = await erp.create('Technician', { full_name: 'Chloé Tremblay', email: 'chloe.tremblay@gigafibre.ca' })
  const customer = await erp.create('Customer', { customer_name: 'Marie Côté' })
  const location = await erp.create('Service Location', {
    customer: customer.name,
    address_line: '12 rue Principale',
    city: 'Sherbrooke',
  })
  const job = (technician: unknown, day: string, time: string, extra: Record<string, unknown> = {}) =>
    erp.create('Dispatch Job', {
      job_type: 'Installation',
      status: 'Scheduled',
      technician,
      customer: customer.name,
      service_location: location.name,
      scheduled_start: `${day} ${time}:00.000000`,
      duration_minutes: 60,
      address: '12 rue Principale, Sherbrooke',
      ...extra,
    })
  const later = await job(julien.name, today, '13:00')
  const first = await job(julien.name, today, '08:30', { tags: [{ tag: 'Fibre' }] })
  const tomorrow = await job(julien.name, addDays(today, 1), '09:00')
  const yesterday = await job(julien.name, addDays(today, -1), '09:00')
  const others = await job(other.name, today, '10:00')
  mine = {
    today: String(first.name),
    tomorrow: String(tomorrow.name),
    yesterday: String(yesterday.name),
    other: String(others.name),
  }
  void later
  app = createApp(testConfig(), { erp: clientOf(erp), hub: noHub })
}

const put = (scanId: string, body: unknown, who: { email: string; groups: string } | null = STAFF.tech) =>
  app.fetch(
    staffRequest(`/ops/api/tech/scans/${scanId}`, who, {
      method: 'PUT',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  )

async function equipmentWith(filters: unknown[]): Promise<Record<string, unknown>[]> {
  const q = new URLSearchParams({ fields: '["*"]', filters: JSON.stringify(filters), limit_page_length: '0' })
  return (await erp.get<{ data: Record<string, unknown>[] }>(`/api/resource/Service%20Equipment?${q}`)).body.data
}

describe('a technician’s day', () => {
  beforeEach(seed)

  it('lists only their own jobs of today then tomorrow, in order, with customer name and tags', async () => {
    const res = await app.fetch(staffRequest('/ops/api/tech/day', STAFF.tech))
    expect(res.status).toBe(200)
    const day = (await res.json()) as TechDay
    expect(day.technician).toBe('TECH-001')
    expect(day.jobs.map((j) => j.scheduled_start.slice(0, 16))).toEqual([
      `${today} 08:30`,
      `${today} 13:00`,
      `${addDays(today, 1)} 09:00`,
    ])
    expect(day.jobs[0]).toMatchObject({ name: mine.today, customer_name: 'Marie Côté', tags: ['Fibre'] })
    expect(day.jobs.map((j) => j.name)).not.toContain(mine.other)
  })

  it('says the newest live event the day and a job show, so the tablet can tell whether one came after it', async () => {
    const bus = createMemoryBus(100, 7)
    const withBus = createApp(testConfig(), { erp: clientOf(erp), hub: noHub, bus })
    const read = async () =>
      ((await (await withBus.fetch(staffRequest('/ops/api/tech/day', STAFF.tech))).json()) as TechDay).position
    expect(await read()).toBe('7-0')
    bus.publish('doc_update', { doctype: 'Dispatch Job', name: mine.today, action: 'update' })
    expect(await read()).toBe('7-1')
    const job = async () =>
      (
        (await (
          await withBus.fetch(staffRequest(`/ops/api/tech/jobs/${mine.today}`, STAFF.tech))
        ).json()) as TechJobDetail
      ).position
    expect(await job()).toBe('7-1')
    bus.publish('job.updated', { name: mine.today })
    expect(await job()).toBe('7-2')
  })

  it('opens their own job with its location, and refuses another technician’s job with a sentence', async () => {
    const own = await app.fetch(staffRequest(`/ops/api/tech/jobs/${mine.today}`, STAFF.tech))
    expect(own.status).toBe(200)
    const detail = (await own.json()) as TechJobDetail
    expect(detail.location).toMatchObject({ address_line: '12 rue Principale', city: 'Sherbrooke' })

    const theirs = await app.fetch(staffRequest(`/ops/api/tech/jobs/${mine.other}`, STAFF.tech))
    expect(theirs.status).toBe(403)
    const body = await theirs.json()
    expect(body.error.code).toBe('NOT_YOUR_JOB')
    expect(body.error.messages.fr).toMatch(/autre technicien/)
  })

  it('gives every job of their day as its page shows it in one read, for the tablet to keep offline', async () => {
    const day = (await (await app.fetch(staffRequest('/ops/api/tech/day', STAFF.tech))).json()) as TechDay
    const location = day.jobs[0].service_location
    const router = await erp.create('Service Equipment', {
      equipment_type: 'Router',
      serial_no: 'RTR-DAY-1',
      status: 'In Service',
      service_location: location,
    })
    const ont = await erp.create('Service Equipment', {
      equipment_type: 'ONT',
      serial_no: 'ONT-DAY-1',
      status: 'In Service',
      service_location: location,
    })

    const res = await app.fetch(staffRequest('/ops/api/tech/day/jobs', STAFF.tech))
    expect(res.status).toBe(200)
    const { jobs } = (await res.json()) as TechDayJobs
    expect(jobs.map((p) => p.job.name)).toEqual(day.jobs.map((j) => j.name))
    expect(jobs.map((p) => p.job.name)).not.toContain(mine.other)
    for (const page of jobs) {
      // The same as each job's own page.
      const one = (await (
        await app.fetch(staffRequest(`/ops/api/tech/jobs/${page.job.name}`, STAFF.tech))
      ).json()) as TechJobDetail
      expect(page).toEqual({ job: one.job, location: one.location, equipment: one.equipment })
    }
    expect(jobs[0].location).toMatchObject({ address_line: '12 rue Principale', city: 'Sherbrooke' })
    expect(jobs[0].equipment.map((e) => e.name)).toEqual([ont.name, router.name])
  })

  it('is refused to staff without tech:self, and to anyone not signed in', async () => {
    expect((await app.fetch(staffRequest('/ops/api/tech/day/jobs', STAFF.dispatcher))).status).toBe(403)
    expect((await app.fetch(staffRequest('/ops/api/tech/day/jobs', null))).status).toBe(401)
    expect((await app.fetch(staffRequest('/ops/api/tech/day', STAFF.csr))).status).toBe(403)
    expect((await app.fetch(staffRequest('/ops/api/tech/day', null))).status).toBe(401)
    expect((await app.fetch(staffRequest(`/ops/api/tech/jobs/${mine.today}`, STAFF.dispatcher))).status).toBe(403)
  })
})

describe('recording a scanned equipment', () => {
  beforeEach(seed)

  it('creates one equipment on the job’s location, and a replay of the same scan creates nothing more', async () => {
    const scan = { job: mine.today, serial_no: 'tplg1a2b3c4d', mac_address: '9ca2f4112233', equipment_type: 'ONT' }
    const first = await put('scan-0001-abcd', scan)
    expect(first.status).toBe(200)
    const saved = (await first.json()) as ScanSaveAnswer
    expect(saved.outcome).toBe('created')
    expect(saved.equipment).toMatchObject({
      serial_no: 'TPLG1A2B3C4D',
      mac_address: '9C:A2:F4:11:22:33',
      status: 'In Service',
      dispatch_job: mine.today,
      scan_id: 'scan-0001-abcd',
      installed_on: today,
    })

    const replay = (await (await put('scan-0001-abcd', scan)).json()) as ScanSaveAnswer
    expect(replay.outcome).toBe('already')
    expect(replay.equipment.name).toBe(saved.equipment.name)
    expect(await equipmentWith([['serial_no', '=', 'TPLG1A2B3C4D']])).toHaveLength(1)
  })

  it('two replays of one scan arriving together still record a single equipment', async () => {
    const scan = { job: mine.today, serial_no: 'ZTEG00112233', equipment_type: 'Router' }
    const answers = await Promise.all([
      put('scan-race-0001', scan),
      put('scan-race-0001', scan),
      put('scan-race-0001', scan),
    ])
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
    expect(await equipmentWith([['scan_id', '=', 'scan-race-0001']])).toHaveLength(1)
  })

  it('installs a spare from stock (known serial, no location) instead of duplicating it', async () => {
    await erp.create('Service Equipment', { equipment_type: 'Router', serial_no: 'DECO99887766', status: 'In Stock' })
    const res = await put('scan-spare-0001', {
      job: mine.today,
      serial_no: 'DECO99887766',
      equipment_type: 'Mesh Node',
    })
    const saved = (await res.json()) as ScanSaveAnswer
    expect(saved.outcome).toBe('updated')
    const rows = await equipmentWith([['serial_no', '=', 'DECO99887766']])
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      status: 'In Service',
      equipment_type: 'Mesh Node',
      scan_id: 'scan-spare-0001',
      dispatch_job: mine.today,
    })
  })

  it('refuses what a technician must correct: a malformed serial, a MAC already used elsewhere', async () => {
    const bad = await put('scan-bad-00001', { job: mine.today, serial_no: 'x', equipment_type: 'ONT' })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.code).toBe('INVALID_SERIAL')

    await erp.create('Service Equipment', {
      equipment_type: 'ONT',
      serial_no: 'HWTC55555555',
      mac_address: 'AA:BB:CC:DD:EE:FF',
    })
    const taken = await put('scan-mac-00001', {
      job: mine.today,
      serial_no: 'HWTC66666666',
      mac_address: 'aa-bb-cc-dd-ee-ff',
      equipment_type: 'ONT',
    })
    expect(taken.status).toBe(409)
    expect((await taken.json()).error.messages.fr).toMatch(/MAC appartient déjà/)
    expect(await equipmentWith([['serial_no', '=', 'HWTC66666666']])).toHaveLength(0)
  })

  it('refuses a scan on another technician’s job, or from staff without tech:self', async () => {
    const scan = { job: mine.other, serial_no: 'ALCL12345678', equipment_type: 'ONT' }
    expect((await put('scan-other-0001', scan)).status).toBe(403)
    expect((await put('scan-other-0002', { ...scan, job: mine.today }, STAFF.csr)).status).toBe(403)
    expect((await put('scan-other-0003', { ...scan, job: mine.today }, null)).status).toBe(401)
    expect(await equipmentWith([['serial_no', '=', 'ALCL12345678']])).toHaveLength(0)
  })
})

describe('hub fault hooks for tests', () => {
  const recordingHub = (): HubClient & { calls: string[] } => {
    const calls: string[] = []
    return {
      ...noHub,
      calls,
      send: async (method, path) => {
        calls.push(`${method} ${path}`)
        return { status: 200, body: '{}', contentType: 'application/json' }
      },
    }
  }

  it('exist only with HUB_TEST_HOOKS=1, only for an administrator', async () => {
    const hub = recordingHub()
    const off = createApp(testConfig(), { erp: clientOf(testErp()), hub })
    const req = (who: { email: string; groups: string } | null) =>
      staffRequest('/ops/api/_test/hub-faults', who, { method: 'POST', body: '{"vision":{"fail":1}}' })
    expect((await off.fetch(req(STAFF.admin))).status).toBe(404)

    const on = createApp(testConfig({ HUB_TEST_HOOKS: '1' }), { erp: clientOf(testErp()), hub })
    expect((await on.fetch(req(STAFF.tech))).status).toBe(403)
    expect((await on.fetch(req(STAFF.admin))).status).toBe(200)
    expect(hub.calls).toEqual(['POST /_test/faults'])
  })
})
