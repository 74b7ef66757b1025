import { describe, expect, it } from 'vitest'
import type { BoardJob, BoardPayload, BoardTechnician } from '../../src/contracts/dispatch'
import type { BusEvent } from '../events/bus'
import { BoardCache } from './boardCache'
import type { BoardSource } from './boardSource'

const tech = (name: string, full_name: string, status: 'Active' | 'Inactive' = 'Active'): BoardTechnician => ({
  name,
  full_name,
  status,
  tags: [],
})

const job = (name: string, over: Partial<BoardJob> = {}): BoardJob => ({
  name,
  job_type: 'Repair',
  status: 'Scheduled',
  priority: 'Medium',
  duration_minutes: 60,
  technician: 'TECH-1',
  customer: 'CUST-1',
  scheduled_start: '2026-12-01 09:00:00',
  tags: [],
  modified: '2026-11-20 10:00:00.000000',
  ...over,
})

/** ERPNext as the cache sees it: documents in memory, every read counted, reads that can be made to fail or wait. */
function fakeSource() {
  const jobs = new Map<string, BoardJob>()
  const technicians = new Map<string, BoardTechnician>([
    ['TECH-1', tech('TECH-1', 'Julien Gagnon')],
    ['TECH-2', tech('TECH-2', 'Marie Roy')],
  ])
  const customers = new Map([['CUST-1', 'Gilles Landry']])
  const reads = { builds: 0, jobs: 0, technicians: 0, customers: 0, sweeps: 0, counts: 0 }
  const control = {
    failJobs: false,
    /** Resolves the build in progress (when set, builds wait for it). */
    holdBuilds: false,
    release: [] as (() => void)[],
  }
  const inRange = (j: BoardJob, from: string, to: string) =>
    j.status === 'Unscheduled' ||
    (!!j.scheduled_start && j.scheduled_start >= `${from} 00:00:00` && j.scheduled_start <= `${to} 23:59:59`)
  const named = (j: BoardJob): BoardJob =>
    j.customer && customers.has(j.customer) ? { ...j, customer_name: customers.get(j.customer) } : { ...j }
  const source: BoardSource = {
    async build(from, to) {
      reads.builds++
      // What the build reads is what ERPNext holds when it starts.
      const payload: BoardPayload = {
        from,
        to,
        tags: [{ name: 'Fibre', category: 'Skill' }],
        technicians: [...technicians.values()],
        jobs: [...jobs.values()].filter((j) => inRange(j, from, to)).map(named),
      }
      if (control.holdBuilds) await new Promise<void>((r) => control.release.push(r))
      return payload
    },
    async job(name) {
      reads.jobs++
      if (control.failJobs) throw new Error('ERPNext is not answering')
      const j = jobs.get(name)
      return j ? { ...j } : null
    },
    async technician(name) {
      reads.technicians++
      return technicians.get(name) ?? null
    },
    async customerName(name) {
      reads.customers++
      return customers.get(name) ?? null
    },
    async tags() {
      return [{ name: 'Fibre', category: 'Skill' }]
    },
    async changedSince(since, limit) {
      reads.sweeps++
      return [...jobs.values()]
        .filter((j) => j.modified > since)
        .sort((a, b) => a.modified.localeCompare(b.modified))
        .slice(0, limit)
        .map((j) => ({ name: j.name, modified: j.modified }))
    },
    async count(from, to) {
      reads.counts++
      return [...jobs.values()].filter((j) => inRange(j, from, to)).length
    },
  }
  return { source, jobs, technicians, customers, reads, control }
}

const update = (doctype: string, name: string, action = 'update'): BusEvent => ({
  id: '1',
  type: 'doc_update',
  data: { doctype, name, action },
})

const names = (entry: { jobs: Map<string, BoardJob> }) => [...entry.jobs.keys()].sort()

/** A fresh cache over a fake ERPNext with two jobs this week and one waiting in the queue. */
function setup() {
  const erp = fakeSource()
  erp.jobs.set('DJ-1', job('DJ-1'))
  erp.jobs.set('DJ-2', job('DJ-2', { technician: 'TECH-2', scheduled_start: '2026-12-02 13:00:00' }))
  erp.jobs.set('DJ-3', job('DJ-3', { status: 'Unscheduled', technician: undefined, scheduled_start: undefined }))
  const cache = new BoardCache(erp.source, { sweepEveryMs: 0, log: () => undefined })
  return { erp, cache }
}

const WEEK = ['2026-11-30', '2026-12-06'] as const
const DAY = ['2026-12-01', '2026-12-01'] as const

describe('BoardCache', () => {
  it('builds a range once and answers it from memory afterwards', async () => {
    const { erp, cache } = setup()
    const first = await cache.board(...WEEK)
    const again = await cache.board(...WEEK)
    expect(again).toBe(first)
    expect(erp.reads.builds).toBe(1)
    expect(names(first)).toEqual(['DJ-1', 'DJ-2', 'DJ-3'])
    expect(first.jobs.get('DJ-1')?.customer_name).toBe('Gilles Landry')
  })

  it('puts a changed job where it now belongs in every range, reading it once', async () => {
    const { erp, cache } = setup()
    const week = await cache.board(...WEEK)
    const day = await cache.board(...DAY)
    expect(names(day)).toEqual(['DJ-1', 'DJ-3'])

    // Moved to another day of the week: leaves the day, stays in the week.
    erp.jobs.set('DJ-1', job('DJ-1', { scheduled_start: '2026-12-03 08:00:00', modified: '2026-12-01 08:00:00' }))
    const before = week.version
    await cache.onEvent(update('Dispatch Job', 'DJ-1'))
    expect(erp.reads.jobs).toBe(1)
    expect(names(day)).toEqual(['DJ-3'])
    expect(week.jobs.get('DJ-1')?.scheduled_start).toBe('2026-12-03 08:00:00')
    expect(week.jobs.get('DJ-1')?.customer_name).toBe('Gilles Landry')
    expect(week.version).toBeGreaterThan(before)

    // Taken off its technician: into the queue of every range.
    erp.jobs.set('DJ-2', job('DJ-2', { status: 'Unscheduled', technician: undefined, modified: '2026-12-01 08:01:00' }))
    await cache.onEvent({ id: '2', type: 'job.updated', data: { name: 'DJ-2' } })
    expect(day.jobs.get('DJ-2')?.status).toBe('Unscheduled')

    // Moved to next month: gone from both. Deleted: gone without a read.
    erp.jobs.set('DJ-1', job('DJ-1', { scheduled_start: '2027-01-05 08:00:00', modified: '2026-12-01 08:02:00' }))
    await cache.onEvent(update('Dispatch Job', 'DJ-1'))
    expect(names(week)).toEqual(['DJ-2', 'DJ-3'])
    const reads = erp.reads.jobs
    await cache.onEvent(update('Dispatch Job', 'DJ-3', 'delete'))
    expect(erp.reads.jobs).toBe(reads)
    expect(names(week)).toEqual(['DJ-2'])
    expect(erp.reads.builds).toBe(2)
  })

  it('applies a change that arrives while the range is being built, once the build is done', async () => {
    const { erp, cache } = setup()
    erp.control.holdBuilds = true
    const pending = cache.board(...WEEK)
    await new Promise((r) => setTimeout(r, 0))
    // The build has read DJ-1 at 09:00; it is moved before the build finishes.
    erp.jobs.set('DJ-1', job('DJ-1', { scheduled_start: '2026-12-04 15:00:00', modified: '2026-12-01 09:00:00' }))
    const applied = cache.onEvent(update('Dispatch Job', 'DJ-1'))
    erp.control.release.forEach((r) => r())
    await applied
    const entry = await pending
    expect(entry.jobs.get('DJ-1')?.scheduled_start).toBe('2026-12-04 15:00:00')
  })

  it('waits for the changes already announced before it answers', async () => {
    const { erp, cache } = setup()
    await cache.board(...WEEK)
    erp.jobs.set('DJ-2', job('DJ-2', { technician: 'TECH-1', modified: '2026-12-01 10:00:00' }))
    void cache.onEvent(update('Dispatch Job', 'DJ-2'))
    const entry = await cache.board(...WEEK)
    expect(entry.jobs.get('DJ-2')?.technician).toBe('TECH-1')
  })

  it('never lets an older read of a job replace a newer one', async () => {
    const { cache } = setup()
    const week = await cache.board(...WEEK)
    week.jobs.set('DJ-1', job('DJ-1', { modified: '2026-12-01 12:00:00', duration_minutes: 90 }))
    await cache.onEvent(update('Dispatch Job', 'DJ-1')) // ERPNext still answers the older version
    expect(week.jobs.get('DJ-1')?.duration_minutes).toBe(90)
  })

  it('drops and rebuilds every range when a change cannot be read, rather than serve a board that may be wrong', async () => {
    const { erp, cache } = setup()
    const stale = await cache.board(...WEEK)
    erp.control.failJobs = true
    erp.jobs.set('DJ-1', job('DJ-1', { technician: 'TECH-2', modified: '2026-12-01 11:00:00' }))
    await cache.onEvent(update('Dispatch Job', 'DJ-1'))
    erp.control.failJobs = false
    const fresh = await cache.board(...WEEK)
    expect(fresh).not.toBe(stale)
    expect(erp.reads.builds).toBe(2)
    expect(fresh.jobs.get('DJ-1')?.technician).toBe('TECH-2')
  })

  it('follows a customer’s new name, a technician’s change, and rebuilds on a tag change', async () => {
    const { erp, cache } = setup()
    const week = await cache.board(...WEEK)
    erp.customers.set('CUST-1', 'Gilles Landry-Roy')
    await cache.onEvent(update('Customer', 'CUST-1'))
    expect([...week.jobs.values()].filter((j) => j.customer === 'CUST-1').map((j) => j.customer_name)).toEqual([
      'Gilles Landry-Roy',
      'Gilles Landry-Roy',
      'Gilles Landry-Roy',
    ])

    erp.technicians.set('TECH-2', { ...tech('TECH-2', 'Marie Roy'), status: 'Inactive', tags: ['Nacelle'] })
    await cache.onEvent(update('Technician', 'TECH-2'))
    expect(week.technicians.find((t) => t.name === 'TECH-2')).toMatchObject({ status: 'Inactive', tags: ['Nacelle'] })
    erp.technicians.delete('TECH-2')
    await cache.onEvent(update('Technician', 'TECH-2'))
    expect(week.technicians.map((t) => t.name)).toEqual(['TECH-1'])

    await cache.onEvent(update('Tag', 'Fibre'))
    expect(await cache.board(...WEEK)).not.toBe(week)
    expect(erp.reads.builds).toBe(2)
  })

  it('ignores events about other documents', async () => {
    const { erp, cache } = setup()
    const week = await cache.board(...WEEK)
    const version = week.version
    await cache.onEvent(update('Issue', 'ISS-1'))
    await cache.onEvent({ id: '9', type: 'sms.received', data: { name: 'SMS-1' } })
    expect(week.version).toBe(version)
    expect(erp.reads.jobs + erp.reads.builds).toBe(1)
  })

  it('finds changes made in ERPNext without an event: a job modified, and a job deleted', async () => {
    const { erp, cache } = setup()
    const week = await cache.board(...WEEK)
    erp.jobs.set('DJ-2', job('DJ-2', { technician: 'TECH-2', duration_minutes: 120, modified: '2026-12-01 14:00:00' }))
    await cache.sweep()
    expect(week.jobs.get('DJ-2')?.duration_minutes).toBe(120)
    expect(erp.reads.jobs).toBe(1)

    // Nothing new: nothing read again.
    await cache.sweep()
    expect(erp.reads.jobs).toBe(1)

    erp.jobs.delete('DJ-3')
    await cache.sweep()
    const rebuilt = await cache.board(...WEEK)
    expect(rebuilt).not.toBe(week)
    expect(names(rebuilt)).toEqual(['DJ-1', 'DJ-2'])
  })

  it('keeps at most the ranges it is allowed, dropping the least recently asked for', async () => {
    const erp = fakeSource()
    let clock = 0
    const cache = new BoardCache(erp.source, { sweepEveryMs: 0, maxRanges: 2, now: () => ++clock })
    await cache.board('2026-11-30', '2026-12-06')
    await cache.board('2026-12-01', '2026-12-01')
    await cache.board('2026-11-30', '2026-12-06')
    await cache.board('2026-12-02', '2026-12-02')
    expect(cache.ranges().sort()).toEqual(['2026-11-30|2026-12-06', '2026-12-02|2026-12-02'])
  })
})
