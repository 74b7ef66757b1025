import { describe, expect, it } from 'vitest'
import { parseFrappeDatetime } from '../../contracts/frappeTime'
import { distanceKm } from '../../contracts/geo'
import { nearestFreeSlot, rankCandidates, type CandidateJob, type CandidateTechnician } from './candidates'
import { MINUTE } from './timeAxis'

const at = (local: string) => parseFrappeDatetime(local)!.getTime()
const skillTags = new Set(['Fibre', 'Épissure', 'Nacelle'])
const SAINT_JEROME = { latitude: 45.7804, longitude: -74.0036 }
const MIRABEL = { latitude: 45.65, longitude: -74.08 }
const TERREBONNE = { latitude: 45.7, longitude: -73.647 }

const tech = (name: string, extra: Partial<CandidateTechnician> = {}): CandidateTechnician => ({
  name,
  status: 'Active',
  shift_start: '07:00',
  shift_end: '15:30',
  tags: ['Fibre'],
  home_latitude: SAINT_JEROME.latitude,
  home_longitude: SAINT_JEROME.longitude,
  ...extra,
})
const job = (name: string, start: string, minutes: number, extra: Partial<CandidateJob> = {}): CandidateJob => ({
  name,
  status: 'Scheduled',
  tags: [],
  start: at(start),
  end: at(start) + minutes * MINUTE,
  ...extra,
})

describe('distance', () => {
  it('measures Saint-Jérôme to Terrebonne at about 30 km (haversine)', () => {
    expect(distanceKm(SAINT_JEROME, TERREBONNE)).toBeGreaterThan(28)
    expect(distanceKm(SAINT_JEROME, TERREBONNE)).toBeLessThan(32)
    expect(distanceKm(SAINT_JEROME, SAINT_JEROME)).toBe(0)
  })
})

describe('candidate ranking', () => {
  const repair = job('DJ-1', '2026-11-27 10:00:00', 60, {
    status: 'Unscheduled',
    tags: ['Fibre', 'Épissure'],
    ...SAINT_JEROME,
  })
  const base = { job: repair, requested: repair.start, positions: new Map(), skillTags, now: at('2026-11-27 07:45:00') }

  it('puts the technician with the skills, free and near first, and says why', () => {
    const techs = [
      tech('TECH-FAR', {
        tags: ['Fibre', 'Épissure'],
        home_latitude: TERREBONNE.latitude,
        home_longitude: TERREBONNE.longitude,
      }),
      tech('TECH-NOSKILL', { tags: ['Fibre'] }),
      tech('TECH-BEST', { tags: ['Fibre', 'Épissure'] }),
    ]
    const ranked = rankCandidates({ ...base, technicians: techs, jobsOf: () => [] })
    expect(ranked.map((c) => c.technician)).toEqual(['TECH-BEST', 'TECH-FAR', 'TECH-NOSKILL'])
    expect(ranked[0]).toMatchObject({
      skillsOk: true,
      free: true,
      atRequestedTime: true,
      distanceKm: 0,
      distanceFrom: 'home',
      start: repair.start,
    })
    expect(ranked[2]).toMatchObject({ skillsOk: false, missing: ['Épissure'] })
  })

  it('prefers the current GPS position over home for today, and the previous job over both', () => {
    const techs = [tech('TECH-A', { tags: ['Fibre', 'Épissure'] })]
    const gps = rankCandidates({
      ...base,
      technicians: techs,
      jobsOf: () => [],
      positions: new Map([['TECH-A', TERREBONNE]]),
    })
    expect(gps[0].distanceFrom).toBe('gps')
    expect(gps[0].distanceKm).toBeGreaterThan(28)
    const previous = job('DJ-0', '2026-11-27 08:00:00', 60, MIRABEL)
    const last = rankCandidates({
      ...base,
      technicians: techs,
      jobsOf: () => [previous],
      positions: new Map([['TECH-A', TERREBONNE]]),
    })
    expect(last[0].distanceFrom).toBe('lastJob')
    expect(last[0].distanceKm).toBeLessThan(16)
  })

  it('offers the nearest free slot when the requested time is taken, and ranks a free day above a busy one', () => {
    const techs = [
      tech('TECH-BUSY', { tags: ['Fibre', 'Épissure'] }),
      tech('TECH-FREE', { tags: ['Fibre', 'Épissure'] }),
    ]
    const busy = [job('X', '2026-11-27 09:30:00', 120), job('Y', '2026-11-27 12:00:00', 120)]
    const ranked = rankCandidates({ ...base, technicians: techs, jobsOf: (t) => (t === 'TECH-BUSY' ? busy : []) })
    expect(ranked[0].technician).toBe('TECH-FREE')
    const b = ranked.find((c) => c.technician === 'TECH-BUSY')!
    expect(b.atRequestedTime).toBe(false)
    expect(b.free).toBe(true)
    expect(b.start).toBe(at('2026-11-27 08:30:00')) // 08:30–09:30 just fits before X, and is closer to 10:00 than 14:00
    expect(b.loadMinutes).toBe(240)
  })

  it('never proposes an inactive technician', () => {
    const ranked = rankCandidates({
      ...base,
      technicians: [tech('TECH-OFF', { status: 'Inactive', tags: ['Fibre', 'Épissure'] })],
      jobsOf: () => [],
    })
    expect(ranked).toEqual([])
  })

  it('finds free slots by real time on the spring-forward day (2026-03-08): the shift is 07:00–15:30 local', () => {
    const shift = { start: at('2026-03-08 07:00:00'), end: at('2026-03-08 15:30:00') }
    const busy = [{ start: at('2026-03-08 07:00:00'), end: at('2026-03-08 15:00:00') }]
    // 30 minutes left at the end of the shift, none before it.
    expect(nearestFreeSlot(at('2026-03-08 07:00:00'), 30 * MINUTE, busy, shift, 0)).toBe(at('2026-03-08 15:00:00'))
    expect(nearestFreeSlot(at('2026-03-08 07:00:00'), 45 * MINUTE, busy, shift, 0)).toBeNull()
  })

  it('ranks on the fall-back day (2026-11-01) with the shift in local time: the 25-hour day adds no work time', () => {
    const sunday = job('DJ-2', '2026-11-01 14:00:00', 60, { status: 'Unscheduled', tags: ['Fibre'], ...SAINT_JEROME })
    const ranked = rankCandidates({
      job: sunday,
      requested: sunday.start,
      positions: new Map(),
      skillTags,
      now: at('2026-10-31 12:00:00'),
      technicians: [tech('TECH-A')],
      jobsOf: () => [job('E', '2026-11-01 07:00:00', 450)],
    })
    // Busy 07:00–14:30 local; 14:30–15:30 is the last hour of the shift, and it is offered.
    expect(ranked[0]).toMatchObject({ atRequestedTime: false, free: true, start: at('2026-11-01 14:30:00') })
    expect(at('2026-11-01 15:30:00') - at('2026-11-01 00:00:00')).toBe(16.5 * 60 * MINUTE) // the repeated hour is before the shift
  })
})
