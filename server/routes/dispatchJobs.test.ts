import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BffErrorBody } from '../../src/contracts/capabilities'
import type { DispatchJob, JobStatus } from '../../src/contracts/doctypes'
import { toFrappeDate } from '../../src/contracts/frappeTime'
import { createApp } from '../app'
import { createAuditJournal, type AuditJournal } from '../audit'
import { testErp, type TestErp } from '../embedded/erpnext/testing'
import { createMemoryBus, type BusEvent } from '../events/bus'
import { inProcessErp, noHub, STAFF, staffRequest, testConfig } from '../testing'

let erp: TestErp
let app: ReturnType<typeof createApp>
let audit: AuditJournal
let dir: string
let events: BusEvent[]
let technician: string

beforeEach(async () => {
  erp = testErp({ now: () => new Date() })
  technician = String((await erp.create('Technician', { full_name: 'Luc Gagnon', email: 'luc@gigafibre.ca' })).name)
  dir = mkdtempSync(join(tmpdir(), 'ops-unassign-'))
  audit = createAuditJournal(dir)
  const bus = createMemoryBus()
  events = []
  bus.subscribe((e) => {
    events.push(e)
  })
  app = createApp(testConfig(), { erp: inProcessErp(erp), hub: noHub, audit, bus })
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const START = () => `${toFrappeDate(new Date())} 13:00:00.000000`

async function jobWith(status: JobStatus): Promise<DispatchJob> {
  const created = await erp.create('Dispatch Job', {
    job_type: 'Repair',
    status,
    technician,
    scheduled_start: START(),
    duration_minutes: 60,
  })
  return readJob(String(created.name))
}

async function readJob(name: string): Promise<DispatchJob> {
  return (await erp.get<{ data: DispatchJob }>(`/api/resource/Dispatch%20Job/${name}`)).body.data
}

const unassign = (name: string, body: unknown, who: { email: string; groups: string } | null = STAFF.dispatcher) =>
  app.fetch(
    staffRequest(`/ops/api/dispatch/jobs/${encodeURIComponent(name)}/unassign`, who, {
      method: 'POST',
      body: JSON.stringify(body),
    }),
  )

describe('Remettre en attente', () => {
  it('clears the technician, keeps the requested time, journals it and tells every board', async () => {
    const job = await jobWith('Scheduled')
    const res = await unassign(job.name, { modified: job.modified })
    expect(res.status).toBe(200)
    const stored = await readJob(job.name)
    expect(stored.technician).toBeFalsy()
    expect(stored.status).toBe('Unscheduled')
    expect(stored.scheduled_start).toBe(job.scheduled_start)
    expect(((await res.json()) as { data: DispatchJob }).data.modified).toBe(stored.modified)
    const entry = audit.read({ limit: 10 }).entries.find((e) => e.action === 'dispatch.unassign')
    expect(entry).toMatchObject({ outcome: 'ok', actor: STAFF.dispatcher.email, target: `Dispatch Job/${job.name}` })
    expect(events.some((e) => e.type === 'doc_update' && (e.data as { name?: string }).name === job.name)).toBe(true)
  })

  it.each(['En Route', 'In Progress', 'Completed', 'Cancelled'] as JobStatus[])(
    'refuses a job that is %s, saying why in both languages, and changes nothing',
    async (status) => {
      const job = await jobWith(status)
      const res = await unassign(job.name, { modified: job.modified })
      expect(res.status).toBe(409)
      const body = (await res.json()) as BffErrorBody
      expect(body.error.code).toBe('JOB_UNDER_WAY')
      expect(body.error.messages.fr).toBeTruthy()
      expect(body.error.messages.en).toBeTruthy()
      expect((await readJob(job.name)).technician).toBe(technician)
    },
  )

  it('never overwrites a colleague’s newer change (417, as ERPNext says it)', async () => {
    const job = await jobWith('Scheduled')
    await erp.put(`/api/resource/Dispatch%20Job/${job.name}`, { duration_minutes: 90, modified: job.modified })
    const res = await unassign(job.name, { modified: job.modified })
    expect(res.status).toBe(417)
    const body = (await res.json()) as { exc_type: string; messages: { fr: string; en: string } }
    expect(body.exc_type).toBe('TimestampMismatchError')
    expect(body.messages.fr).toContain('collègue')
    expect((await readJob(job.name)).technician).toBe(technician)
  })

  it('is for dispatch only, and a missing job or a bad body gets a clear answer', async () => {
    const job = await jobWith('Scheduled')
    expect((await unassign(job.name, { modified: job.modified }, STAFF.csr)).status).toBe(403)
    expect((await unassign(job.name, { modified: job.modified }, STAFF.tech)).status).toBe(403)
    expect((await unassign(job.name, { modified: job.modified }, null)).status).toBe(401)
    expect((await unassign('JOB-99999', {})).status).toBe(404)
    expect((await unassign(job.name, ['x'])).status).toBe(400)
    expect((await unassign(job.name, { modified: 5 })).status).toBe(400)
    expect((await readJob(job.name)).technician).toBe(technician)
  })
})
