import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { DispatchJob } from '../../src/contracts/doctypes'
import { addDays, parseSiteDatetime, toFrappeDate } from '../../src/contracts/frappeTime'
import type { OptimizeAcceptAnswer, OptimizeStatus } from '../../src/contracts/optimize'
import { createApp } from '../app'
import { createAuditJournal, type AuditJournal } from '../audit'
import { testErp, type TestErp } from '../embedded/erpnext/testing'
import { createMemoryBus, type BusEvent, type EventBus } from '../events/bus'
import { solve } from '../optimizer/solver'
import type { VrpOptions, VrpProblem, VrpSolution } from '../optimizer/types'
import { inProcessErp, noHub, STAFF, staffRequest, testConfig } from '../testing'

/** How the solver behaves in a test: solved in this thread, in the real worker, crashing, or stuck. */
const solver = vi.hoisted(() => ({ mode: 'inline' as 'inline' | 'worker' | 'crash' | 'stuck' }))

vi.mock('../optimizer/index', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../optimizer/index')>()
  return {
    ...actual,
    optimizeInWorker: (problem: VrpProblem, options: VrpOptions): Promise<VrpSolution> => {
      if (solver.mode === 'worker') return actual.optimizeInWorker(problem, options)
      if (solver.mode === 'crash') return Promise.reject(new Error('worker exited with code 1'))
      if (solver.mode === 'stuck')
        return new Promise((_, reject) =>
          options.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
        )
      return new Promise((resolve, reject) =>
        setTimeout(() => {
          try {
            resolve(solve(problem, { ...options, timeBudgetMs: Math.min(options.timeBudgetMs, 300) }))
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)))
          }
        }, 0),
      )
    },
  }
})

const day = addDays(toFrappeDate(new Date()), 1)
let erp: TestErp
let app: ReturnType<typeof createApp>
let bus: EventBus
let audit: AuditJournal
let events: BusEvent[]
let techs: Record<'north1' | 'north2' | 'south', string>
let jobs: Record<'booked' | 'lift' | 'copper' | 'locked' | 'southern' | 'far', string>

async function seed() {
  erp = testErp({ now: () => new Date() })
  for (const [tag_name, category] of [
    ['Nord', 'Zone'],
    ['Sud', 'Zone'],
    ['Fibre', 'Skill'],
    ['Nacelle', 'Skill'],
    ['Cuivre', 'Skill'],
  ])
    await erp.create('Tag', { tag_name, category })
  const tech = async (full_name: string, tags: string[], lat: number, lon: number) =>
    String(
      (
        await erp.create('Technician', {
          full_name,
          email: `${full_name.split(' ')[0].toLowerCase()}@gigafibre.ca`,
          shift_start: '08:00',
          shift_end: '16:30',
          home_latitude: lat,
          home_longitude: lon,
          tags: tags.map((tag) => ({ tag })),
        })
      ).name,
    )
  techs = {
    north1: await tech('Julien Gagnon', ['Nord', 'Fibre'], 45.78, -74.0),
    north2: await tech('Marie Roy', ['Nord', 'Fibre', 'Nacelle'], 45.7, -73.95),
    south: await tech('Luc Caron', ['Sud', 'Fibre'], 45.5, -73.6),
  }
  const customer = await erp.create('Customer', { customer_name: 'Marie Côté' })
  const job = async (extra: Record<string, unknown>, tags: string[], lat = 45.76, lon = -74.02) =>
    String(
      (
        await erp.create('Dispatch Job', {
          job_type: 'Repair',
          status: 'Scheduled',
          priority: 'Medium',
          customer: customer.name,
          duration_minutes: 60,
          latitude: lat,
          longitude: lon,
          tags: tags.map((tag) => ({ tag })),
          ...extra,
        })
      ).name,
    )
  jobs = {
    // Julien has it at 15:00, but it was promised for the morning.
    booked: await job(
      {
        technician: techs.north1,
        scheduled_start: `${day} 15:00:00`,
        arrival_window_start: `${day} 08:00:00`,
        arrival_window_end: `${day} 12:00:00`,
      },
      ['Nord', 'Fibre'],
    ),
    // Waiting, needs the bucket truck only Marie has.
    lift: await job(
      {
        status: 'Unscheduled',
        priority: 'High',
        scheduled_start: `${day} 13:00:00`,
        arrival_window_start: `${day} 13:00:00`,
        arrival_window_end: `${day} 15:00:00`,
      },
      ['Nord', 'Nacelle'],
      45.71,
      -73.96,
    ),
    // Waiting, needs a skill nobody has.
    copper: await job({ status: 'Unscheduled', scheduled_start: `${day} 10:00:00` }, ['Nord', 'Cuivre']),
    // Locked by a dispatcher on Julien at 09:00.
    locked: await job({ technician: techs.north1, scheduled_start: `${day} 09:00:00`, pinned: 1 }, ['Nord']),
    // Another zone's: never touched by the Nord optimization.
    southern: await job({ technician: techs.south, scheduled_start: `${day} 10:00:00` }, ['Sud'], 45.5, -73.6),
    // On Marie's day in the afternoon, far from her.
    far: await job({ technician: techs.north2, scheduled_start: `${day} 14:00:00` }, ['Nord', 'Fibre'], 45.79, -74.01),
  }
  bus = createMemoryBus()
  events = []
  bus.subscribe((e) => events.push(e))
  audit = createAuditJournal(mkdtempSync(join(tmpdir(), 'optimize-audit-')))
  app = createApp(testConfig(), { erp: inProcessErp(erp), hub: noHub, bus, audit })
}

const call = (path: string, init: RequestInit = {}, who: { email: string; groups: string } | null = STAFF.dispatcher) =>
  app.fetch(staffRequest(path, who, init))
const post = (path: string, body: unknown, who: { email: string; groups: string } | null = STAFF.dispatcher) =>
  call(path, { method: 'POST', body: JSON.stringify(body) }, who)

async function until(id: string, who = STAFF.dispatcher): Promise<OptimizeStatus> {
  for (let i = 0; i < 1200; i++) {
    const status = (await (await call(`/ops/api/optimize/${id}`, {}, who)).json()) as OptimizeStatus
    if (status.state !== 'running') return status
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('the optimization never finished')
}

async function optimizeNorth(extra: Record<string, unknown> = {}): Promise<OptimizeStatus> {
  const res = await post('/ops/api/optimize', { day, scope: { kind: 'zone', tag: 'Nord' }, seconds: 1, ...extra })
  expect(res.status).toBe(202)
  const started = (await res.json()) as OptimizeStatus
  expect(started.state).toBe('running')
  return until(started.id)
}

const readJob = async (name: string) =>
  (await erp.get<{ data: DispatchJob }>(`/api/resource/Dispatch Job/${encodeURIComponent(name)}`)).body.data

beforeEach(async () => {
  solver.mode = 'inline'
  await seed()
})

describe('who may optimize', () => {
  it('is for dispatch:plan only, signed in, from our own pages', async () => {
    const body = { day, scope: { kind: 'everyone' } }
    expect((await post('/ops/api/optimize', body, null)).status).toBe(401)
    expect((await post('/ops/api/optimize', body, STAFF.csr)).status).toBe(403)
    expect((await post('/ops/api/optimize', body, STAFF.tech)).status).toBe(403)
    const crossSite = await app.fetch(
      staffRequest('/ops/api/optimize', STAFF.dispatcher, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'sec-fetch-site': 'same-site', 'content-type': 'application/json' },
      }),
    )
    expect(crossSite.status).toBe(403)
  })

  it('refuses a bad day, scope or budget with a sentence', async () => {
    const refuse = async (body: unknown, code: string) => {
      const res = await post('/ops/api/optimize', body)
      expect(res.status).toBe(400)
      const answer = (await res.json()) as { error: { code: string; messages: { fr: string } } }
      expect(answer.error.code).toBe(code)
      expect(answer.error.messages.fr.length).toBeGreaterThan(10)
    }
    await refuse({ day: 'demain', scope: { kind: 'everyone' } }, 'INVALID_DAY')
    await refuse({ day: addDays(day, -3), scope: { kind: 'everyone' } }, 'INVALID_DAY')
    await refuse({ day, scope: { kind: 'selection', technicians: [] } }, 'INVALID_SCOPE')
    await refuse({ day, scope: { kind: 'everyone' }, seconds: 600 }, 'INVALID_SECONDS')
    const unknownZone = await post('/ops/api/optimize', { day, scope: { kind: 'zone', tag: 'Lune' } })
    expect(unknownZone.status).toBe(422)
  })

  it('says so when the chosen technicians have nothing that day', async () => {
    const res = await post('/ops/api/optimize', { day: addDays(day, 2), scope: { kind: 'zone', tag: 'Nord' } })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NO_JOBS')
  })

  it('shows a run only to the dispatcher who started it', async () => {
    const res = await post('/ops/api/optimize', { day, scope: { kind: 'zone', tag: 'Nord' }, seconds: 1 })
    const { id } = (await res.json()) as OptimizeStatus
    const admin = await call(`/ops/api/optimize/${id}`, {}, STAFF.admin)
    expect(admin.status).toBe(404)
    await until(id)
  })
})

describe('the preview', () => {
  it('plans the zone: skills, windows, locks, and the other zone untouched', async () => {
    const status = await optimizeNorth()
    expect(status.state).toBe('ready')
    const preview = status.preview!
    expect(preview.technicians.map((t) => t.technician).sort()).toEqual([techs.north1, techs.north2].sort())
    const moveOf = (job: string) => preview.moves.find((m) => m.job === job)
    // The bucket-truck job goes to the only technician with the bucket truck, inside its window.
    expect(moveOf(jobs.lift)?.toTechnician).toBe(techs.north2)
    const liftStop = preview.technicians
      .find((t) => t.technician === techs.north2)!
      .proposedStops.find((s) => s.job === jobs.lift)!
    expect(liftStop.start).toBeGreaterThanOrEqual(parseSiteDatetime(`${day} 13:00:00`))
    expect(liftStop.start).toBeLessThanOrEqual(parseSiteDatetime(`${day} 15:00:00`))
    // The locked job and the other zone's job never move.
    expect(moveOf(jobs.locked)).toBeUndefined()
    expect(moveOf(jobs.southern)).toBeUndefined()
    expect(preview.moves.every((m) => m.toTechnician !== techs.south)).toBe(true)
    // Nobody has copper: left out, and the sentence says which skill.
    const copper = preview.unserved.find((u) => u.job === jobs.copper)
    expect(copper?.reason).toBe('no_skilled_vehicle')
    expect(copper?.sentence.fr).toContain('Cuivre')
    expect(copper?.sentence.en).toContain('Cuivre')
    // The promised morning is kept now: one window missed before, none after.
    expect(preview.totals.current.windowsMissed).toBe(1)
    expect(preview.totals.proposed.windowsMissed).toBe(0)
    expect(preview.totals.proposed.jobs).toBe(preview.totals.current.jobs + 1)
    for (const t of preview.technicians) {
      expect(t.current.km).toBeGreaterThanOrEqual(0)
      expect(t.proposed.overtimeMinutes).toBe(0)
    }
  })

  it('re-optimizes one technician’s day in order only', async () => {
    const res = await post('/ops/api/optimize', {
      day,
      scope: { kind: 'selection', technicians: [techs.north1] },
      orderOnly: true,
      seconds: 1,
    })
    const status = await until(((await res.json()) as OptimizeStatus).id)
    expect(status.state).toBe('ready')
    expect(status.orderOnly).toBe(true)
    const preview = status.preview!
    expect(preview.technicians.map((t) => t.technician)).toEqual([techs.north1])
    expect(preview.moves.every((m) => m.fromTechnician === techs.north1 && m.toTechnician === techs.north1)).toBe(true)
    expect(preview.totals.proposed.jobs).toBe(preview.totals.current.jobs)
  })

  it('solves in the worker thread while the BFF keeps answering', { timeout: 30_000 }, async () => {
    solver.mode = 'worker'
    const res = await post('/ops/api/optimize', { day, scope: { kind: 'zone', tag: 'Nord' }, seconds: 2 })
    const { id } = (await res.json()) as OptimizeStatus
    const t0 = performance.now()
    const meanwhile = await call('/ops/api/me')
    expect(meanwhile.status).toBe(200)
    expect(performance.now() - t0).toBeLessThan(500)
    const status = await until(id)
    expect(status.message).toBeUndefined()
    expect(status.state).toBe('ready')
    expect(status.preview!.moves.some((m) => m.job === jobs.lift)).toBe(true)
  })
})

describe('faults', () => {
  it('a crashed worker leaves the board untouched and says so', async () => {
    solver.mode = 'crash'
    const before = await readJob(jobs.booked)
    const status = await optimizeNorth()
    expect(status.state).toBe('failed')
    expect(status.message?.fr).toContain('rien n’a été changé')
    expect(status.preview).toBeUndefined()
    expect((await readJob(jobs.booked)).modified).toBe(before.modified)
    const accept = await post(`/ops/api/optimize/${status.id}/accept`, {})
    expect(accept.status).toBe(409)
  })

  it('cancels a run that is still working', async () => {
    solver.mode = 'stuck'
    const res = await post('/ops/api/optimize', { day, scope: { kind: 'zone', tag: 'Nord' }, seconds: 1 })
    const { id } = (await res.json()) as OptimizeStatus
    const cancelled = (await (await post(`/ops/api/optimize/${id}/cancel`, {})).json()) as OptimizeStatus
    expect(cancelled.state).toBe('cancelled')
    expect(cancelled.message?.en).toContain('nothing on the board was changed')
  })
})

describe('accepting', () => {
  it('writes one technician’s day, publishes it, and journals one optimization', async () => {
    const status = await optimizeNorth()
    const res = await post(`/ops/api/optimize/${status.id}/accept`, { technicians: [techs.north2] })
    expect(res.status).toBe(200)
    const answer = (await res.json()) as OptimizeAcceptAnswer
    expect(answer.written).toContain(jobs.lift)
    expect(answer.skipped).toEqual([])
    const lift = await readJob(jobs.lift)
    expect(lift.technician).toBe(techs.north2)
    expect(lift.status).toBe('Scheduled')
    expect(lift.scheduled_start!.slice(0, 10)).toBe(day)
    // Julien's day was not accepted: his booked job is where it was.
    expect((await readJob(jobs.booked)).scheduled_start).toContain('15:00:00')
    const published = events.filter((e) => e.type === 'doc_update').map((e) => (e.data as { name: string }).name)
    expect(published.sort()).toEqual([...answer.written].sort())
    const journal = audit.read({ action: 'optimize.accept', limit: 10 })
    expect(journal.entries).toHaveLength(1)
    expect(journal.entries[0].actor).toBe(STAFF.dispatcher.email)
    expect(journal.entries[0].detail).toContain(`day ${day}`)
    expect(journal.entries[0].detail).toContain('km ')
    // Accepting the rest afterwards: a second entry, and the run is done.
    const rest = (await (await post(`/ops/api/optimize/${status.id}/accept`, {})).json()) as OptimizeAcceptAnswer
    expect(rest.technicians).toEqual([techs.north1])
    const after = (await (await call(`/ops/api/optimize/${status.id}`)).json()) as OptimizeStatus
    expect(after.state).toBe('accepted')
  })

  it('skips and names a job changed meanwhile, never overwriting it', async () => {
    const status = await optimizeNorth()
    const moved = status.preview!.moves.map((m) => m.job)
    expect(moved).toContain(jobs.lift)
    // A colleague books it first.
    const colleague = await erp.put(`/api/resource/Dispatch Job/${encodeURIComponent(jobs.lift)}`, {
      description: 'Client rappelé : apporter une échelle',
    })
    expect(colleague.status).toBe(200)
    const answer = (await (await post(`/ops/api/optimize/${status.id}/accept`, {})).json()) as OptimizeAcceptAnswer
    const skipped = answer.skipped.find((s) => s.job === jobs.lift)
    expect(skipped?.sentence.fr).toContain(jobs.lift)
    expect(skipped?.sentence.fr).toContain('modifiée par quelqu’un d’autre')
    expect(answer.written).not.toContain(jobs.lift)
    const lift = await readJob(jobs.lift)
    expect(lift.status).toBe('Unscheduled')
    expect(lift.description).toBe('Client rappelé : apporter une échelle')
    expect(audit.read({ action: 'optimize.accept', limit: 10 }).entries[0].detail).toContain(jobs.lift)
  })

  it('forgets a discarded proposal', async () => {
    const status = await optimizeNorth()
    expect((await call(`/ops/api/optimize/${status.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await call(`/ops/api/optimize/${status.id}`)).status).toBe(404)
    expect((await post(`/ops/api/optimize/${status.id}/accept`, {})).status).toBe(404)
    expect((await readJob(jobs.lift)).status).toBe('Unscheduled')
  })

  it('refuses a technician outside the optimization', async () => {
    const status = await optimizeNorth()
    const res = await post(`/ops/api/optimize/${status.id}/accept`, { technicians: [techs.south] })
    expect(res.status).toBe(400)
  })
})
