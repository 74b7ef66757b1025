import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { noHub, ok, recordingErp, STAFF, staffRequest, testConfig, type RecordedCall } from '../testing'
import type { BoardJob, BoardPayload } from '../../src/contracts/dispatch'
import { BOARD_NDJSON, fromColumns, type BoardHead, type BoardRest } from '../../src/contracts/boardEncoding'
import { createMemoryBus } from '../events/bus'
import { EVENT_POSITION_HEADER } from '../../src/contracts/eventIds'

const TECHS = [
  {
    name: 'TECH-001',
    full_name: 'Julien Gagnon',
    status: 'Active',
    shift_start: '08:00',
    shift_end: '16:30',
    modified: 'm1',
    color: null,
  },
  {
    name: 'TECH-002',
    full_name: 'Marie Roy',
    status: 'Active',
    shift_start: '07:00',
    shift_end: '15:30',
    modified: 'm1',
  },
]
const JOBS = [
  {
    name: 'DJ-1',
    job_type: 'Repair',
    status: 'Scheduled',
    priority: 'High',
    technician: 'TECH-001',
    customer: 'CUST-1',
    scheduled_start: '2026-11-27 09:00:00',
    duration_minutes: 60,
    modified: 'v1',
  },
  {
    name: 'DJ-2',
    job_type: 'Installation',
    status: 'Scheduled',
    priority: 'Low',
    technician: 'TECH-002',
    customer: 'CUST-2',
    scheduled_start: '2026-11-27 10:00:00',
    duration_minutes: 120,
    modified: 'v1',
  },
]
const QUEUE = [
  {
    name: 'DJ-3',
    job_type: 'Repair',
    status: 'Unscheduled',
    priority: 'Urgent',
    customer: 'CUST-1',
    scheduled_start: '2026-11-28 08:00:00',
    duration_minutes: 45,
    modified: 'v1',
    creation: '2026-11-26 08:00:00',
  },
]
const TAGS: Record<string, string[]> = {
  Fibre: ['TECH-001', 'TECH-002', 'DJ-1', 'DJ-3'],
  Nacelle: ['TECH-002', 'DJ-2'],
  Mirabel: ['TECH-001'],
}

/** Many more jobs, so tags are read with one list per tag rather than document by document. */
const MANY = Array.from({ length: 60 }, (_, i) => ({ ...JOBS[0], name: `DJ-1${String(i).padStart(3, '0')}` }))

/**
 * ERPNext as Frappe answers: child filters select documents but lists never return child rows;
 * a single document comes with its tags. `lists` counts list reads.
 */
function erp(jobs = JOBS) {
  const counter = { lists: 0, gets: 0 }
  const tagsOf = (name: string) =>
    Object.entries(TAGS)
      .filter(([, names]) => names.includes(name) || (name.startsWith('DJ-1') && names.includes('DJ-1')))
      .map(([tag]) => ({ tag }))
  const upstream = recordingErp((call: RecordedCall) => {
    const url = new URL(call.path, 'http://erp')
    const parts = url.pathname.split('/')
    const doctype = decodeURIComponent(parts[3])
    if (parts[4]) {
      counter.gets++
      const name = decodeURIComponent(parts[4])
      const row = [...TECHS, ...jobs, ...QUEUE].find((r) => r.name === name)
      return ok({ data: { ...row, name, tags: tagsOf(name) } })
    }
    counter.lists++
    const filters = JSON.parse(url.searchParams.get('filters') ?? '[]') as unknown[][]
    const tagFilter = filters.find((f) => f.length === 4)
    if (doctype === 'Tag')
      return ok({ data: Object.keys(TAGS).map((name) => ({ name, category: name === 'Mirabel' ? 'Zone' : 'Skill' })) })
    if (doctype === 'Customer')
      return ok({
        data: [
          { name: 'CUST-1', customer_name: 'Gilles Landry' },
          { name: 'CUST-2', customer_name: 'Lise Blais' },
        ],
      })
    const rows: { name: string }[] =
      doctype === 'Technician' ? TECHS : filters.some((f) => f[0] === 'status' && f[1] === '=') ? QUEUE : jobs
    if (tagFilter)
      return ok({
        data: rows.filter((r) => tagsOf(r.name).some((t) => t.tag === tagFilter[3])).map((r) => ({ name: r.name })),
      })
    return ok({ data: rows })
  })
  // recordingErp reads lists through the same answer function: count them there.
  return Object.assign(upstream, { counter })
}

describe('GET /ops/api/dispatch/board', () => {
  it('answers technicians and jobs with their tags, customer names and the unassigned queue, in one payload', async () => {
    const app = createApp(testConfig(), { erp: erp(), hub: noHub })
    const res = await app.fetch(staffRequest('/ops/api/dispatch/board?from=2026-11-27&to=2026-11-27', STAFF.dispatcher))
    expect(res.status).toBe(200)
    const body = (await res.json()) as BoardPayload
    expect(body.technicians.find((t) => t.name === 'TECH-001')).toEqual({
      name: 'TECH-001',
      full_name: 'Julien Gagnon',
      status: 'Active',
      shift_start: '08:00',
      shift_end: '16:30',
      tags: ['Fibre', 'Mirabel'],
    })
    expect(body.jobs.map((j) => [j.name, j.tags, j.customer_name])).toEqual([
      ['DJ-1', ['Fibre'], 'Gilles Landry'],
      ['DJ-2', ['Nacelle'], 'Lise Blais'],
      ['DJ-3', ['Fibre'], 'Gilles Landry'],
    ])
    // Each start comes as an instant too, in the site's zone (EST in November: UTC−5).
    expect(body.jobs.map((j) => [j.name, j.start])).toEqual([
      ['DJ-1', Date.parse('2026-11-27T14:00:00Z')],
      ['DJ-2', Date.parse('2026-11-27T15:00:00Z')],
      ['DJ-3', Date.parse('2026-11-28T13:00:00Z')],
    ])
    expect(body.tags).toContainEqual({ name: 'Mirabel', category: 'Zone' })
  })

  it('reads many jobs’ tags with one list per tag, and only again for documents that changed', async () => {
    const upstream = erp(MANY)
    const app = createApp(testConfig(), { erp: upstream, hub: noHub })
    const body = (await (
      await app.fetch(staffRequest('/ops/api/dispatch/board?from=2026-11-27&to=2026-11-27', STAFF.dispatcher))
    ).json()) as BoardPayload
    expect(body.jobs.filter((j) => j.name.startsWith('DJ-1')).every((j) => j.tags.join() === 'Fibre')).toBe(true)
    // Tag, Technician, range, queue, customers + one list per tag (3) for the 60 jobs.
    expect(upstream.counter.lists).toBe(8)
    const gets = upstream.counter.gets
    MANY[5] = { ...MANY[5], modified: 'v2' }
    // Another range is built from ERPNext; the tags already read are not read again.
    await app.fetch(staffRequest('/ops/api/dispatch/board?from=2026-11-27&to=2026-11-28', STAFF.dispatcher))
    expect(upstream.counter.lists).toBe(13) // the five lists, no tag list
    expect(upstream.counter.gets - gets).toBe(1) // the one job that changed
  })

  it('sends a large board gzipped to a browser that accepts it, and plain to one that does not', async () => {
    const many = Array.from({ length: 400 }, (_, i) => ({
      ...JOBS[0],
      name: `DJ-9${String(i).padStart(3, '0')}`,
      address: `${i}, rue Saint-Georges, Sainte-Thérèse QC`,
    }))
    const app = createApp(testConfig(), { erp: erp(many), hub: noHub })
    const url = '/ops/api/dispatch/board?from=2026-11-27&to=2026-11-27'
    const zipped = await app.fetch(
      staffRequest(url, STAFF.dispatcher, { headers: { 'accept-encoding': 'gzip, deflate, br' } }),
    )
    expect(zipped.headers.get('content-encoding')).toBe('gzip')
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i)
    const bytes = Buffer.from(await zipped.arrayBuffer())
    const body = JSON.parse(gunzipSync(bytes).toString('utf8')) as BoardPayload
    expect(body.jobs.filter((j) => j.name.startsWith('DJ-9'))).toHaveLength(400)
    expect(bytes.length).toBeLessThan(gunzipSync(bytes).length / 5)

    const plain = await app.fetch(staffRequest(url, STAFF.dispatcher))
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(((await plain.json()) as BoardPayload).jobs).toHaveLength(body.jobs.length)
  })

  it('refuses a technician (403), the unauthenticated (401) and a malformed or too long range (400)', async () => {
    const upstream = erp()
    const app = createApp(testConfig(), { erp: upstream, hub: noHub })
    expect(
      (await app.fetch(staffRequest('/ops/api/dispatch/board?from=2026-11-27&to=2026-11-27', STAFF.tech))).status,
    ).toBe(403)
    expect((await app.fetch(staffRequest('/ops/api/dispatch/board?from=2026-11-27&to=2026-11-27', null))).status).toBe(
      401,
    )
    const bad = await app.fetch(staffRequest('/ops/api/dispatch/board?from=2026-11-01&to=2026-12-31', STAFF.dispatcher))
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.messages.fr).toMatch(/Période invalide/)
    expect((await app.fetch(staffRequest('/ops/api/dispatch/board?from=demain', STAFF.dispatcher))).status).toBe(400)
    expect(upstream.calls).toHaveLength(0)
  })
})

describe('the board kept ready in the BFF', () => {
  const url = '/ops/api/dispatch/board?from=2026-11-27&to=2026-11-27'

  it('answers again from memory, and shows a change announced on the bus at once, reading only that job', async () => {
    const jobs = JOBS.map((j) => ({ ...j }))
    const upstream = erp(jobs)
    const bus = createMemoryBus()
    const app = createApp(testConfig(), { erp: upstream, hub: noHub, bus })
    await app.fetch(staffRequest(url, STAFF.dispatcher))
    const calls = upstream.calls.length
    await app.fetch(staffRequest(url, STAFF.dispatcher))
    expect(upstream.calls.length).toBe(calls)

    jobs[1] = { ...jobs[1], technician: 'TECH-001', scheduled_start: '2026-11-27 14:00:00', modified: 'v2' }
    bus.publish('doc_update', { doctype: 'Dispatch Job', name: 'DJ-2', modified: 'v2', action: 'update' })
    const body = (await (await app.fetch(staffRequest(url, STAFF.dispatcher))).json()) as BoardPayload
    expect(body.jobs.find((j) => j.name === 'DJ-2')).toMatchObject({
      technician: 'TECH-001',
      scheduled_start: '2026-11-27 14:00:00',
      customer_name: 'Lise Blais',
      tags: ['Nacelle'],
    })
    expect(upstream.calls.slice(calls).map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/resource/Dispatch%20Job/DJ-2',
    ])
  })

  it('says the newest live event the board shows, in both encodings, so the page replays only those after it', async () => {
    const jobs = JOBS.map((j) => ({ ...j }))
    const bus = createMemoryBus(100, 7)
    bus.publish('sms.inbound', { from: '+15145550100' })
    const app = createApp(testConfig(), { erp: erp(jobs), hub: noHub, bus })
    const first = await app.fetch(staffRequest(url, STAFF.dispatcher))
    expect(first.headers.get(EVENT_POSITION_HEADER)).toBe('7-1')

    jobs[1] = { ...jobs[1], status: 'En Route', modified: 'v2' }
    bus.publish('doc_update', { doctype: 'Dispatch Job', name: 'DJ-2', modified: 'v2', action: 'update' })
    for (const accept of ['application/json', BOARD_NDJSON]) {
      const res = await app.fetch(staffRequest(url, STAFF.dispatcher, { headers: { accept } }))
      expect(res.headers.get(EVENT_POSITION_HEADER)).toBe('7-2')
      // The event it names is applied: the job is shown as it is after event 2.
      expect(await res.text()).toContain('En Route')
    }
  })

  it('sends the rows in view and the queue first in the compact encoding, carrying every field of a job', async () => {
    const window = { arrival_window_start: '2026-11-27 08:00:00', arrival_window_end: '2026-11-27 12:00:00' }
    const jobs = [{ ...JOBS[0], pinned: 1, ...window }, JOBS[1]]
    const app = createApp(testConfig(), { erp: erp(jobs), hub: noHub })
    const plain = (await (await app.fetch(staffRequest(url, STAFF.dispatcher))).json()) as BoardPayload
    const res = await app.fetch(staffRequest(`${url}&rows=1`, STAFF.dispatcher, { headers: { accept: BOARD_NDJSON } }))
    expect(res.headers.get('content-type')).toContain(BOARD_NDJSON)
    const [headLine, restLine, ...more] = (await res.text()).split('\n').filter(Boolean)
    expect(more).toEqual([])
    const head = JSON.parse(headLine) as BoardHead<BoardPayload['tags'][number]>
    const rest = JSON.parse(restLine) as BoardRest
    // Julien Gagnon's row comes first in the board's order; Marie Roy's job follows.
    const headJobs = fromColumns<BoardJob>(head.jobs)
    const restJobs = fromColumns<BoardJob>(rest.jobs)
    expect(headJobs.map((j) => j.name)).toEqual(['DJ-1', 'DJ-3'])
    expect(restJobs.map((j) => j.name)).toEqual(['DJ-2'])
    expect(head.more).toBe(1)
    expect(fromColumns(head.technicians)).toEqual(plain.technicians)
    const byName = (a: BoardJob, b: BoardJob) => a.name.localeCompare(b.name)
    expect([...headJobs, ...restJobs].sort(byName)).toEqual([...plain.jobs].sort(byName))
    expect(headJobs[0]).toMatchObject({ pinned: true, ...window })
  })

  it('still refuses whoever may not see the board when it is in memory, and serves a CSR who may', async () => {
    const app = createApp(testConfig(), { erp: erp(), hub: noHub })
    expect((await app.fetch(staffRequest(url, STAFF.dispatcher))).status).toBe(200)
    expect((await app.fetch(staffRequest(url, STAFF.tech))).status).toBe(403)
    expect((await app.fetch(staffRequest(url, STAFF.tech, { headers: { accept: BOARD_NDJSON } }))).status).toBe(403)
    expect((await app.fetch(staffRequest(url, null))).status).toBe(401)
    expect((await app.fetch(staffRequest(url, STAFF.csr))).status).toBe(200)
  })
})
