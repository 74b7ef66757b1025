import { describe, expect, it } from 'vitest'
import { parseFrappeDatetime } from '../../contracts/frappeTime'
import { checkPlacement, rowWarnings, withinShift, type RuleJob, type RuleTechnician } from './rules'
import { MINUTE } from './timeAxis'

const at = (local: string) => parseFrappeDatetime(local)!.getTime()
const job = (name: string, start: string, minutes: number, extra: Partial<RuleJob> = {}): RuleJob => ({
  name,
  status: 'Scheduled',
  tags: [],
  start: at(start),
  end: at(start) + minutes * MINUTE,
  ...extra,
})

const skills = new Set(['Fibre', 'Épissure', 'Nacelle'])
const early: RuleTechnician = {
  name: 'TECH-002',
  status: 'Active',
  shift_start: '07:00',
  shift_end: '15:30',
  tags: ['Fibre', 'Mirabel'],
}
const ctx = (now = '2026-01-01 00:00:00') => ({ now: at(now), skillTags: skills })
const kinds = (w: { kind: string }[]) => w.map((x) => x.kind)

describe('rule checks', () => {
  it('accepts a job inside the shift, with the skills, on an active technician, in the future', () => {
    expect(
      checkPlacement(job('A', '2026-11-27 09:00:00', 90, { tags: ['Fibre', 'Réparation'] }), early, [], ctx()),
    ).toEqual([])
  })

  it('warns of an overlap with another job of the same technician, naming it', () => {
    const other = job('B', '2026-11-27 10:00:00', 60)
    const w = checkPlacement(job('A', '2026-11-27 09:30:00', 45), early, [other], ctx())
    expect(w).toEqual([{ kind: 'overlap', items: ['B'] }])
    // Back to back is not an overlap; a cancelled job takes no time.
    expect(checkPlacement(job('A', '2026-11-27 09:00:00', 60), early, [other], ctx())).toEqual([])
    expect(
      checkPlacement(job('A', '2026-11-27 09:30:00', 45), early, [{ ...other, status: 'Cancelled' }], ctx()),
    ).toEqual([])
  })

  it('ignores the job itself among the technician’s jobs (moving a job along its own row)', () => {
    const a = job('A', '2026-11-27 09:00:00', 60)
    expect(checkPlacement({ ...a, start: a.start + 30 * MINUTE, end: a.end + 30 * MINUTE }, early, [a], ctx())).toEqual(
      [],
    )
  })

  it('warns outside the shift, at either end', () => {
    expect(kinds(checkPlacement(job('A', '2026-11-27 06:30:00', 60), early, [], ctx()))).toEqual(['outsideShift'])
    expect(kinds(checkPlacement(job('A', '2026-11-27 15:00:00', 60), early, [], ctx()))).toEqual(['outsideShift'])
    expect(kinds(checkPlacement(job('A', '2026-11-27 14:30:00', 60), early, [], ctx()))).toEqual([])
  })

  it('warns of a missing skill tag, and only for tags of category Skill', () => {
    const w = checkPlacement(
      job('A', '2026-11-27 09:00:00', 60, { tags: ['Fibre', 'Épissure', 'Nacelle', 'Réparation', 'Les Moulins'] }),
      early,
      [],
      ctx(),
    )
    expect(w).toEqual([{ kind: 'missingSkill', items: ['Épissure', 'Nacelle'] }])
  })

  it('warns when the technician is inactive and when the job is in the past', () => {
    const inactive = { ...early, status: 'Inactive' }
    expect(kinds(checkPlacement(job('A', '2026-11-27 09:00:00', 60), inactive, [], ctx()))).toEqual(['inactive'])
    expect(kinds(checkPlacement(job('A', '2026-11-27 09:00:00', 60), early, [], ctx('2026-11-27 12:00:00')))).toEqual([
      'past',
    ])
    // A job already under way is not "in the past" by mistake.
    expect(
      checkPlacement(
        job('A', '2026-11-27 09:00:00', 60, { status: 'In Progress' }),
        early,
        [],
        ctx('2026-11-27 12:00:00'),
      ),
    ).toEqual([])
  })

  it('gives every warning at once: the dispatcher sees all that is wrong', () => {
    const w = checkPlacement(
      job('A', '2026-11-27 16:00:00', 60, { tags: ['Nacelle'] }),
      { ...early, status: 'Inactive' },
      [job('B', '2026-11-27 16:30:00', 30)],
      ctx('2026-11-28 00:00:00'),
    )
    expect(kinds(w)).toEqual(['overlap', 'outsideShift', 'missingSkill', 'inactive', 'past'])
  })
})

describe('rule checks on daylight-saving days in America/Toronto', () => {
  it('a 07:00–15:30 shift on 2026-03-08 (spring forward) holds 07:00 to 15:30 local, 8 h 30 of real time', () => {
    expect(withinShift(early, at('2026-03-08 07:00:00'), at('2026-03-08 15:30:00'))).toBe(true)
    expect(at('2026-03-08 15:30:00') - at('2026-03-08 07:00:00')).toBe(510 * MINUTE)
    expect(withinShift(early, at('2026-03-08 06:45:00'), at('2026-03-08 08:00:00'))).toBe(false)
    expect(withinShift(early, at('2026-03-08 15:00:00'), at('2026-03-08 15:45:00'))).toBe(false)
  })

  it('a 07:00–15:30 shift on 2026-11-01 (fall back) is still 07:00 to 15:30 local', () => {
    expect(withinShift(early, at('2026-11-01 07:00:00'), at('2026-11-01 15:30:00'))).toBe(true)
    expect(withinShift(early, at('2026-11-01 06:00:00'), at('2026-11-01 07:30:00'))).toBe(false)
    expect(withinShift(early, at('2026-11-01 15:15:00'), at('2026-11-01 15:45:00'))).toBe(false)
  })

  it('counts real time across the spring change: 01:30 + 60 min ends at 03:30, so a 03:00 job overlaps', () => {
    const night = { ...early, shift_start: '00:00', shift_end: '23:59' }
    const first = job('A', '2026-03-08 01:30:00', 60)
    expect(first.end).toBe(at('2026-03-08 03:30:00'))
    expect(kinds(checkPlacement(job('B', '2026-03-08 03:00:00', 30), night, [first], ctx()))).toEqual(['overlap'])
    expect(checkPlacement(job('B', '2026-03-08 03:30:00', 30), night, [first], ctx())).toEqual([])
  })

  it('counts real time across the autumn change: 01:00 EDT + 90 min ends at 01:30 EST, so a 01:15 EST job overlaps', () => {
    const night = { ...early, shift_start: '00:00', shift_end: '23:59' }
    const first = job('A', '2026-11-01 01:00:00', 90) // 01:00 EDT → 01:30 EST (two real hours and a half later on the clock face)
    const secondOneFifteen = at('2026-11-01 01:15:00') + 60 * MINUTE // the repeated 01:15, in EST
    const b: RuleJob = {
      name: 'B',
      status: 'Scheduled',
      tags: [],
      start: secondOneFifteen,
      end: secondOneFifteen + 30 * MINUTE,
    }
    expect(kinds(checkPlacement(b, night, [first], ctx()))).toEqual(['overlap'])
    const c: RuleJob = { ...b, start: first.end, end: first.end + 30 * MINUTE }
    expect(checkPlacement(c, night, [first], ctx())).toEqual([])
  })

  it('flags overlaps within a row on the board, both ways, across the change', () => {
    const a = job('A', '2026-03-08 01:30:00', 60)
    const b = job('B', '2026-03-08 03:15:00', 30)
    const c = job('C', '2026-03-08 08:00:00', 30)
    const w = rowWarnings([a, b, c], { ...early, shift_start: '00:00', shift_end: '23:59' }, ctx())
    expect(w.get('A')).toEqual([{ kind: 'overlap', items: ['B'] }])
    expect(w.get('B')).toEqual([{ kind: 'overlap', items: ['A'] }])
    expect(w.has('C')).toBe(false)
  })
})
