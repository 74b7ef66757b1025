import { describe, expect, it } from 'vitest'
import { parseSiteDatetime } from '../../contracts/frappeTime'
import { hourTicks, shiftOn, siteDay, siteInstant, siteMinutesOfDay, siteTime, viewRange, HOUR } from './timeAxis'

describe('time axis in America/Toronto', () => {
  it('places a time of day where the wall clock shows it, on the days the clocks change too', () => {
    for (const s of [
      '2026-11-27 09:15:00',
      '2026-03-08 01:59:00',
      '2026-03-08 03:00:00',
      '2026-11-01 00:30:00',
      '2026-11-01 01:30:00',
      '2026-11-01 02:00:00',
    ]) {
      const [day, time] = s.split(' ')
      const minutes = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
      expect(siteInstant(day, minutes), s).toBe(parseSiteDatetime(s))
      expect(siteMinutesOfDay(siteInstant(day, minutes)), s).toBe(minutes)
    }
  })

  it('gives a night shift across the autumn change its true length', () => {
    const shift = shiftOn('2026-11-01', '01:30', '02:30')!
    expect(shift.end - shift.start).toBe(2 * HOUR)
    expect(siteTime(shift.end)).toBe('02:30')
  })

  it('gives a 23-hour spring day and a 25-hour autumn day, hour labels as on a wall clock', () => {
    const spring = viewRange('2026-03-08', 'day')
    expect(spring.end - spring.start).toBe(23 * HOUR)
    expect(
      hourTicks(spring.start, spring.end)
        .map((t) => t.label)
        .slice(0, 4),
    ).toEqual(['00 h', '01 h', '03 h', '04 h'])
    const autumn = viewRange('2026-11-01', 'day')
    expect(autumn.end - autumn.start).toBe(25 * HOUR)
    expect(
      hourTicks(autumn.start, autumn.end)
        .map((t) => t.label)
        .slice(0, 4),
    ).toEqual(['00 h', '01 h', '01 h', '02 h'])
  })

  it('lays a week from Monday to Sunday and a shift in local time', () => {
    expect(viewRange('2026-11-27', 'week')).toMatchObject({ from: '2026-11-23', to: '2026-11-29' })
    const shift = shiftOn('2026-11-01', '07:00', '15:30')!
    expect(siteTime(shift.start)).toBe('07:00')
    expect(siteTime(shift.end)).toBe('15:30')
    expect(siteDay(shift.end)).toBe('2026-11-01')
  })
})

describe('a job booked with no requested time', () => {
  it('has no day and no time rather than breaking the board', () => {
    const start = parseSiteDatetime(undefined)
    expect(Number.isNaN(start)).toBe(true)
    expect(siteDay(start)).toBe('')
    expect(siteTime(start)).toBe('')
  })
})
