import { describe, expect, it } from 'vitest'
import { fromSiteWallClock, toFrappeDate, toFrappeDatetime } from '../../../src/contracts/frappeTime'
import { SiteCalendar, daysBetween, weekday } from './time'

describe('SiteCalendar', () => {
  const cal = new SiteCalendar(new Date('2026-11-27T14:00:00Z'))

  it('formats exactly like toFrappeDatetime, across both clock changes of the year', () => {
    const from = Date.UTC(2026, 2, 7),
      to = Date.UTC(2026, 2, 10) // spring forward: 2026-03-08
    const autumnFrom = Date.UTC(2026, 9, 31),
      autumnTo = Date.UTC(2026, 10, 3) // fall back: 2026-11-01
    for (const [a, b] of [
      [from, to],
      [autumnFrom, autumnTo],
    ]) {
      for (let t = a; t < b; t += 7 * 60_000 + 123) {
        expect(cal.datetime(t)).toBe(toFrappeDatetime(new Date(t)))
        expect(cal.date(t)).toBe(toFrappeDate(new Date(t)))
      }
    }
  })

  it('turns a site-local time of day into the right instant, on a clock-change day too', () => {
    for (const day of ['2026-03-08', '2026-11-01', '2026-07-15']) {
      const [y, m, d] = day.split('-').map(Number)
      expect(cal.at(day, 8 * 60 + 15)).toBe(
        fromSiteWallClock({ year: y, month: m, day: d, hour: 8, minute: 15, second: 0 }).getTime(),
      )
    }
  })

  it('knows the week and the day distances', () => {
    expect(cal.today).toBe('2026-11-27')
    expect(weekday(cal.today)).toBe(5)
    expect(cal.mondayOfThisWeek()).toBe('2026-11-23')
    expect(daysBetween('2026-11-23', '2026-12-01')).toBe(8)
  })
})
