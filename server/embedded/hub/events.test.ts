import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HubEventLog } from './events'
import { nextEvent, readSse, startTestHub, type TestHub } from './testing/harness'

let t: TestHub
beforeEach(async () => {
  t = await startTestHub()
})
afterEach(() => t.close())

describe('bearer token', () => {
  it('is required on every route, and a wrong one is refused', async () => {
    for (const [method, path] of [
      ['GET', '/sse'],
      ['GET', '/auth/users'],
      ['POST', '/sms/send'],
      ['GET', '/nowhere'],
    ] as const) {
      const missing = await t.call(method, path, { token: null })
      expect(missing.status).toBe(401)
      expect(await missing.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } })
      expect((await t.call(method, path, { token: 'nope' })).status).toBe(401)
    }
  })

  it('lets a valid token through; an unknown route is a 404 in the same error shape', async () => {
    const res = await t.call('GET', '/nowhere')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } })
  })
})

describe('HubEventLog', () => {
  it('numbers events monotonically and keeps the last 1,000', () => {
    const log = new HubEventLog(1000)
    for (let i = 0; i < 1200; i++) log.publish('job.updated', { i })
    const all = log.since(0)
    expect(all).toHaveLength(1000)
    expect(all[0].id).toBe(201)
    expect(log.since(1195).map((e) => e.id)).toEqual([1196, 1197, 1198, 1199, 1200])
  })

  it('replays everything it holds to a client whose id comes from a previous hub process', () => {
    const log = new HubEventLog()
    log.publish('sms.status', { sid: 'a', status: 'sent' })
    expect(log.since(5000)).toHaveLength(1)
  })
})

describe('GET /sse', () => {
  it('streams events with id, event and JSON data', async () => {
    const res = await t.call('GET', '/sse')
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reading = readSse(res, 1)
    t.hub.events.publish('device.alarm', { serial: 'GPON1', kind: 'los' })
    expect(await reading).toEqual([{ id: 1, event: 'device.alarm', data: { serial: 'GPON1', kind: 'los' } }])
  })

  it('replays what a reconnecting client missed, from Last-Event-ID or ?lastEventId', async () => {
    for (let i = 1; i <= 5; i++) t.hub.events.publish('job.updated', { name: `DJ-${i}`, modified: 'x' })
    const fromHeader = await readSse(await t.call('GET', '/sse', { headers: { 'last-event-id': '3' } }), 2)
    expect(fromHeader.map((e) => e.id)).toEqual([4, 5])
    const fromQuery = await readSse(await t.call('GET', '/sse?lastEventId=4'), 1)
    expect(fromQuery.map((e) => (e.data as { name: string }).name)).toEqual(['DJ-5'])
  })

  it('sends only the topics asked for', async () => {
    const res = await t.call('GET', '/sse?topics=jobs,devices&lastEventId=0')
    const reading = readSse(res, 2)
    t.hub.events.publish('sms.inbound', { customer: 'CUST-1', from: '+15145550000', body: 'Allo', at: 'now' })
    t.hub.events.publish('job.updated', { name: 'DJ-1', modified: 'm' })
    t.hub.events.publish('sms.status', { sid: 's', status: 'sent' })
    t.hub.events.publish('device.alarm', { serial: 'S', kind: 'offline' })
    expect((await reading).map((e) => e.event)).toEqual(['job.updated', 'device.alarm'])
  })

  it('refuses an unknown topic', async () => {
    const res = await t.call('GET', '/sse?topics=sms,weather')
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('UNKNOWN_TOPIC')
  })

  it('sends a comment heartbeat so proxies keep the stream open', async () => {
    const quick = await startTestHub({ timing: { sseHeartbeatMs: 20 } })
    try {
      const res = await quick.call('GET', '/sse')
      const reader = res.body!.getReader()
      let text = ''
      while (!text.includes(': heartbeat')) text += new TextDecoder().decode((await reader.read()).value)
      await reader.cancel()
      expect(text).toMatch(/^: heartbeat /m)
    } finally {
      await quick.close()
    }
  })

  it('ends open streams when the hub closes', async () => {
    const res = await t.call('GET', '/sse')
    const reader = res.body!.getReader()
    await reader.read() // the "connected" comment
    t.hub.close()
    expect((await reader.read()).done).toBe(true)
  })
})

describe('POST /jobs/{name}/status — a technician’s SMS link', () => {
  it('changes the Dispatch Job in ERPNext and publishes job.updated', async () => {
    const job = t.erp.insert('Dispatch Job', { job_type: 'Repair', status: 'Scheduled', technician: 'TECH-001' })
    t.clock.now = new Date('2026-11-27T15:30:00Z')
    const event = nextEvent(t.hub.events, (e) => e.type === 'job.updated')
    const res = await t.call('POST', `/jobs/${job.name}/status`, { body: { status: 'En Route' } })
    expect(res.status).toBe(200)
    const stored = t.erp.docs('Dispatch Job').find((d) => d.name === job.name)!
    expect(stored.status).toBe('En Route')
    expect((await event).data).toEqual({ name: job.name, modified: stored.modified })
    expect(await res.json()).toEqual({ name: job.name, status: 'En Route', modified: stored.modified })
  })

  it('refuses an unknown status and an unknown job', async () => {
    const job = t.erp.insert('Dispatch Job', { job_type: 'Repair', status: 'Scheduled' })
    const bad = await t.call('POST', `/jobs/${job.name}/status`, { body: { status: 'Teleported' } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.code).toBe('INVALID_STATUS')
    const missing = await t.call('POST', '/jobs/DJ-2026-99999/status', { body: { status: 'Completed' } })
    expect(missing.status).toBe(404)
    expect((await missing.json()).error.code).toBe('JOB_NOT_FOUND')
  })

  it('reports ERPNext being down as a 502 UPSTREAM_ERROR, and keeps serving', async () => {
    const job = t.erp.insert('Dispatch Job', { job_type: 'Repair', status: 'Scheduled' })
    t.erp.failNext({ method: 'PUT', doctype: 'Dispatch Job' }, 500, 'Exception', 'database is locked')
    const res = await t.call('POST', `/jobs/${job.name}/status`, { body: { status: 'Completed' } })
    expect(res.status).toBe(502)
    expect((await res.json()).error).toEqual({
      code: 'UPSTREAM_ERROR',
      message: expect.stringContaining('database is locked'),
    })
    expect((await t.call('POST', `/jobs/${job.name}/status`, { body: { status: 'Completed' } })).status).toBe(200)
  })

  it('gives up on a silent ERPNext after the upstream timeout', async () => {
    const quick = await startTestHub({ timing: { erpTimeoutMs: 100 } })
    try {
      const job = quick.erp.insert('Dispatch Job', { job_type: 'Repair', status: 'Scheduled' })
      quick.erp.stallMs = 400
      const res = await quick.call('POST', `/jobs/${job.name}/status`, { body: { status: 'Completed' } })
      expect(res.status).toBe(502)
      expect((await res.json()).error).toEqual({
        code: 'UPSTREAM_ERROR',
        message: expect.stringMatching(/did not answer in time/),
      })
    } finally {
      quick.erp.stallMs = 0
      await quick.close()
    }
  })

  it('answers 400 on a body that is not JSON', async () => {
    const job = t.erp.insert('Dispatch Job', { job_type: 'Repair', status: 'Scheduled' })
    const res = await t.call('POST', `/jobs/${job.name}/status`, {
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('INVALID_JSON')
  })
})
