import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DispatchJob } from '../../src/contracts/doctypes'
import { siteWallClock, toFrappeDate } from '../../src/contracts/frappeTime'
import { createApp } from '../app'
import { createAuditJournal, type AuditJournal } from '../audit'
import { testErp, type TestErp } from '../embedded/erpnext/testing'
import { createMemoryBus } from '../events/bus'
import { inProcessErp, STAFF, staffRequest, testConfig } from '../testing'
import type { HubClient } from '../upstream/hub'
import { arrivalEstimate, MAX_FIX_AGE_MS, noticeDecision, noticeKey, noticeText } from './onTheWay'

const NOW = Date.parse('2026-12-02T15:00:00Z') // 10:00 in Montréal

describe('who gets the text', () => {
  const job = {
    status: 'En Route' as const,
    customer: 'CUST-1',
    technician: 'TECH-1',
    scheduled_start: '2026-12-02 10:00:00.000000',
  }
  it('sends to the customer’s mobile in E.164', () => {
    expect(noticeDecision(job, { mobile_no: '514 555-0101', sms_opt_out: 0 })).toEqual({
      send: true,
      to: '+15145550101',
    })
  })
  it('sends nothing to a customer who opted out, has no mobile, or was told of this visit', () => {
    expect(noticeDecision(job, { mobile_no: '514 555-0101', sms_opt_out: 1 })).toEqual({
      send: false,
      reason: 'opted_out',
    })
    expect(noticeDecision(job, { mobile_no: '', sms_opt_out: 0 })).toEqual({ send: false, reason: 'no_mobile' })
    expect(noticeDecision({ ...job, customer_notice: noticeKey(job) }, { mobile_no: '5145550101' })).toEqual({
      send: false,
      reason: 'already_told',
    })
    expect(noticeDecision({ ...job, status: 'Scheduled' }, { mobile_no: '5145550101' })).toEqual({
      send: false,
      reason: 'not_en_route',
    })
  })
  it('tells the customer again when the visit is a new one (another technician or start)', () => {
    const told = { ...job, customer_notice: noticeKey(job) }
    expect(noticeDecision({ ...told, technician: 'TECH-2' }, { mobile_no: '5145550101' })).toMatchObject({ send: true })
  })
})

describe('the arrival estimate', () => {
  const target = { latitude: 45.55, longitude: -73.6 }
  it('is the drive from the last fix, rounded up to the next five minutes', () => {
    // ~11.1 km as the crow flies, ×1.3 on the road at 50 km/h: about 17 minutes.
    const eta = arrivalEstimate({ latitude: 45.65, longitude: -73.6, at: NOW - 60_000 }, target, NOW)
    expect(eta).not.toBeNull()
    expect(eta! % (5 * 60_000)).toBe(0)
    expect(eta! - NOW).toBeGreaterThanOrEqual(17 * 60_000)
    expect(eta! - NOW).toBeLessThanOrEqual(17 * 60_000 + 5 * 60_000)
  })
  it('is not given from a stale fix, a fix from the future, or for a job without coordinates', () => {
    expect(arrivalEstimate({ ...target, at: NOW - MAX_FIX_AGE_MS - 1 }, target, NOW)).toBeNull()
    expect(arrivalEstimate({ ...target, at: NOW + 10 * 60_000 }, target, NOW)).toBeNull()
    expect(arrivalEstimate({ ...target, at: NOW }, {}, NOW)).toBeNull()
    expect(arrivalEstimate(null, target, NOW)).toBeNull()
  })
})

describe('the text', () => {
  const at1040 = Date.parse('2026-12-02T15:40:00Z')
  it('speaks the customer’s language, gives only the first name, and the time as people say it', () => {
    expect(siteWallClock(new Date(at1040)).hour).toBe(10)
    expect(noticeText('fr', 'Marc Tremblay', at1040)).toBe(
      'Votre technicien Gigafibre, Marc, est en route : arrivée prévue vers 10 h 40.',
    )
    expect(noticeText('en', 'Marc Tremblay', at1040)).toBe(
      'Your Gigafibre technician, Marc, is on the way: expected around 10:40 a.m.',
    )
    expect(noticeText('fr', 'Marc Tremblay', null)).toBe('Votre technicien Gigafibre, Marc, est en route.')
  })
})

/** A hub that knows one technician's position and records the texts it is asked to send. */
function fakeHub(opts: { smsStatus?: number; fixAgeMs?: number } = {}) {
  const texts: { to: string; body: string; key?: string }[] = []
  const hub: HubClient = {
    baseUrl: 'http://hub.test',
    token: 't',
    async send(method, path, init = {}) {
      if (path.startsWith('/traccar/positions')) {
        return {
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            deviceId: 7,
            latitude: 45.65,
            longitude: -73.6,
            fixTime: new Date(Date.now() - (opts.fixAgeMs ?? 60_000)).toISOString(),
          }),
        }
      }
      if (method === 'POST' && path === '/sms/send') {
        const sent = JSON.parse(new TextDecoder().decode(init.body)) as { to: string; body: string }
        const status = opts.smsStatus ?? 200
        if (status < 400) texts.push({ to: sent.to, body: sent.body, key: init.idempotencyKey })
        return { status, contentType: 'application/json', body: '{"data":{"status":"queued"}}' }
      }
      return { status: 404, contentType: 'application/json', body: '{}' }
    },
    json: async () => ({ status: 404, data: null }),
  }
  return { hub, texts }
}

describe('turning a job En Route', () => {
  let erp: TestErp
  let audit: AuditJournal
  let dir: string
  let jobName: string

  async function seed(customer: Record<string, unknown>) {
    erp = testErp({ now: () => new Date() })
    const tech = await erp.create('Technician', {
      full_name: 'Julien Gagnon',
      email: STAFF.tech.email,
      traccar_device_id: 7,
    })
    const c = await erp.create('Customer', { customer_name: 'Marie Côté', ...customer })
    const job = await erp.create('Dispatch Job', {
      job_type: 'Repair',
      status: 'Scheduled',
      technician: tech.name,
      customer: c.name,
      scheduled_start: `${toFrappeDate(new Date())} 09:00:00.000000`,
      duration_minutes: 60,
      latitude: 45.55,
      longitude: -73.6,
    })
    jobName = String(job.name)
  }

  function appWith(hub: HubClient) {
    return createApp(testConfig(), { erp: inProcessErp(erp), hub, audit, bus: createMemoryBus() })
  }

  async function readJob(): Promise<DispatchJob> {
    return (await erp.get<{ data: DispatchJob }>(`/api/resource/Dispatch%20Job/${jobName}`)).body.data
  }

  async function setStatus(app: ReturnType<typeof createApp>, status: string, modified: string) {
    return app.fetch(
      staffRequest(`/ops/api/erp/resource/Dispatch%20Job/${jobName}`, STAFF.tech, {
        method: 'PUT',
        body: JSON.stringify({ status, modified }),
      }),
    )
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ops-notice-'))
    audit = createAuditJournal(dir)
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('texts the customer once, with an arrival time, and records it on the job', async () => {
    await seed({ mobile_no: '514-555-0199', language: 'fr' })
    const { hub, texts } = fakeHub()
    const app = appWith(hub)
    const before = await readJob()
    const res = await setStatus(app, 'En Route', before.modified!)
    expect(res.status).toBe(200)
    const answered = ((await res.json()) as { data: DispatchJob }).data
    expect(texts).toHaveLength(1)
    expect(texts[0].to).toBe('+15145550199')
    expect(texts[0].body).toMatch(
      /^Votre technicien Gigafibre, Julien, est en route : arrivée prévue vers \d+ h( \d\d)?\.$/,
    )
    expect(texts[0].key).toMatch(new RegExp(`^on-the-way-${jobName}-`))
    // The answer is the job as it now stands: the tablet's next save does not collide with the claim.
    const stored = await readJob()
    expect(answered.modified).toBe(stored.modified)
    expect(stored.customer_notice).toBe(noticeKey(stored))
    expect(stored.customer_notified_at).toBeTruthy()

    // Saved again (a retry after a lost answer, a second tap): no second text.
    const again = await setStatus(app, 'En Route', stored.modified!)
    expect(again.status).toBe(200)
    expect(texts).toHaveLength(1)
    expect(
      audit.read({ limit: 50 }).entries.filter((e) => e.action === 'job.notify' && e.outcome === 'ok'),
    ).toHaveLength(1)
  })

  it('sends nothing to a customer who opted out of automatic texts, and journals why', async () => {
    await seed({ mobile_no: '514-555-0199', sms_opt_out: 1 })
    const { hub, texts } = fakeHub()
    const res = await setStatus(appWith(hub), 'En Route', (await readJob()).modified!)
    expect(res.status).toBe(200)
    expect(texts).toHaveLength(0)
    expect((await readJob()).customer_notified_at).toBeFalsy()
    const entry = audit.read({ limit: 50 }).entries.find((e) => e.action === 'job.notify')
    expect(entry?.detail).toBe('no text: opted_out')
  })

  it('says no time when the last fix is too old, in English for an English-speaking customer', async () => {
    await seed({ mobile_no: '514-555-0199', language: 'en' })
    const { hub, texts } = fakeHub({ fixAgeMs: MAX_FIX_AGE_MS + 60_000 })
    await setStatus(appWith(hub), 'En Route', (await readJob()).modified!)
    expect(texts.map((t) => t.body)).toEqual(['Your Gigafibre technician, Julien, is on the way.'])
  })

  it('keeps the status change when the hub refuses the text, and frees the visit for the next attempt', async () => {
    await seed({ mobile_no: '514-555-0199' })
    const refusing = fakeHub({ smsStatus: 503 })
    const res = await setStatus(appWith(refusing.hub), 'En Route', (await readJob()).modified!)
    expect(res.status).toBe(200)
    const stored = await readJob()
    expect(stored.status).toBe('En Route')
    expect(stored.customer_notice).toBeFalsy()
    expect(audit.read({ limit: 50 }).entries.find((e) => e.action === 'job.notify')?.outcome).toBe('failed')

    const working = fakeHub()
    await setStatus(appWith(working.hub), 'En Route', stored.modified!)
    expect(working.texts).toHaveLength(1)
  })
})
