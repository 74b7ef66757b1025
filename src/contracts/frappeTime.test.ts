import { describe, expect, it } from 'vitest'
import {
  addDays,
  fromSiteWallClock,
  mondayOf,
  parseFrappeDatetime,
  parseSiteDatetime,
  toFrappeDatetime,
} from './frappeTime'

const pad = (n: number) => String(n).padStart(2, '0')

/** Every quarter hour of a site-local day, as Frappe writes it. */
function quarterHours(day: string): string[] {
  const out: string[] = []
  for (let m = 0; m < 24 * 60; m += 15) out.push(`${day} ${pad(Math.floor(m / 60))}:${pad(m % 60)}:00`)
  return out
}

describe('Frappe datetimes in America/Toronto', () => {
  it('read every quarter hour of both clock-change days back as the same wall clock, the skipped spring hour moved forward', () => {
    for (const day of ['2026-03-07', '2026-03-08', '2026-10-31', '2026-11-01', '2026-11-02']) {
      for (const s of quarterHours(day)) {
        const written = toFrappeDatetime(new Date(parseSiteDatetime(s)))
        const skipped = day === '2026-03-08' && s.slice(11, 13) === '02'
        expect(written, s).toBe(skipped ? `${day} 03${s.slice(13)}.000000` : `${s}.000000`)
      }
    }
  })

  it('gives the instants a Toronto clock shows on the days the clocks change', () => {
    const at = (s: string) => new Date(parseSiteDatetime(s)).toISOString()
    expect(at('2026-03-08 01:59:00')).toBe('2026-03-08T06:59:00.000Z') // still EST
    expect(at('2026-03-08 02:30:00')).toBe('2026-03-08T07:30:00.000Z') // skipped: 03:30 EDT
    expect(at('2026-03-08 03:00:00')).toBe('2026-03-08T07:00:00.000Z') // EDT
    expect(at('2026-11-01 01:30:00')).toBe('2026-11-01T05:30:00.000Z') // repeated hour: the first (EDT)
    expect(at('2026-11-01 02:00:00')).toBe('2026-11-01T07:00:00.000Z') // EST again
  })

  it('has one answer whichever helper reads it, memoised or not, with microseconds and dates alone', () => {
    const wall = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millis = 0) =>
      fromSiteWallClock({ year, month, day, hour, minute, second }, millis).getTime()
    const samples: [string, number][] = [
      ['2026-11-27 09:15:00.000000', wall(2026, 11, 27, 9, 15)],
      ['2026-11-27 09:15:00.250999', wall(2026, 11, 27, 9, 15, 0, 250)],
      ['2026-03-08 01:59:00', wall(2026, 3, 8, 1, 59)],
      ['2026-03-08 02:30:00', wall(2026, 3, 8, 2, 30)],
      ['2026-03-08 03:00:00', wall(2026, 3, 8, 3)],
      ['2026-11-01 00:30:00', wall(2026, 11, 1, 0, 30)],
      ['2026-11-01 01:30:00', wall(2026, 11, 1, 1, 30)],
      ['2026-11-01 02:00:00', wall(2026, 11, 1, 2)],
      ['2026-07-01 23:45:10', wall(2026, 7, 1, 23, 45, 10)],
      ['2026-07-01T23:45', wall(2026, 7, 1, 23, 45)],
      ['2026-11-01', wall(2026, 11, 1)],
      [' 2026-11-27 09:15:00 ', wall(2026, 11, 27, 9, 15)],
    ]
    for (const [s, instant] of samples) {
      expect(parseSiteDatetime(s), s).toBe(instant)
      expect(parseSiteDatetime(s), `${s} again`).toBe(instant)
      expect(parseFrappeDatetime(s)?.getTime(), s).toBe(instant)
    }
  })

  it('has no instant for a job booked with no requested time, nor for nonsense', () => {
    for (const s of [undefined, null, '', 'nonsense', '27/11/2026 09:15']) expect(parseSiteDatetime(s)).toBeNaN()
    expect(parseFrappeDatetime('nonsense')).toBeNull()
  })

  it('counts days and weeks on the site calendar', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(mondayOf('2026-11-29')).toBe('2026-11-23')
    expect(mondayOf('2026-11-23')).toBe('2026-11-23')
  })
})
