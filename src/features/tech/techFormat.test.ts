import { describe, expect, it } from 'vitest'
import { clockTime, dayChanges, jobsOn, longDate, mapsLink, nextStatuses } from './techFormat'
import { parseFrappeDatetime, SITE_TIME_ZONE } from '../../contracts/frappeTime'
import type { TechDay, TechJob } from '../../contracts/tech'

const ANDROID = 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/131 Safari/537.36'
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131'

describe('the technician’s day', () => {
  it('shows times in Toronto time on the 24-hour clock, end time from the duration', () => {
    expect(clockTime('2026-11-27 08:30:00.000000', 'fr-CA')).toBe('08 h 30')
    expect(clockTime('2026-11-27 08:30:00.000000', 'en-CA', 90)).toBe('10:00')
  })

  it('writes the day’s dates in both languages', () => {
    expect(longDate('2026-12-03', 'fr-CA')).toBe('jeudi 3 décembre')
    expect(longDate('2026-05-01', 'en-CA')).toBe('Friday, May 1')
    expect(longDate('2026-02-30', 'fr-CA')).toBe(intlDate('2026-02-30', 'fr-CA'))
  })

  // The reference: what Intl writes for the same instant in the site's zone.
  const formats = new Map<string, Intl.DateTimeFormat>()
  const format = (locale: string, options: Intl.DateTimeFormatOptions) => {
    const key = `${locale} ${JSON.stringify(options)}`
    if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(locale, { timeZone: SITE_TIME_ZONE, ...options }))
    return formats.get(key)!
  }
  const intlClock = (datetime: string, locale: string, plus: number) =>
    format(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      new Date(parseFrappeDatetime(datetime)!.getTime() + plus * 60_000),
    )
  const intlDate = (date: string, locale: string) =>
    format(locale, { weekday: 'long', day: 'numeric', month: 'long' }).format(parseFrappeDatetime(`${date} 12:00:00`)!)
  const pad = (n: number) => String(n).padStart(2, '0')

  it('writes what Intl writes, for every quarter-hour of a year under each daylight-saving rule', () => {
    const differences: string[] = []
    for (const year of [2006, 2026]) {
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 15 * 60_000) {
        const at = new Date(t)
        const date = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`
        const datetime = `${date} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:00`
        for (const locale of ['fr-CA', 'en-CA']) {
          if (at.getUTCHours() === 0 && at.getUTCMinutes() === 0 && longDate(date, locale) !== intlDate(date, locale))
            differences.push(`${date} ${locale}`)
          for (const plus of [0, 90, 600]) {
            const expected = intlClock(datetime, locale, plus)
            if (clockTime(datetime, locale, plus) !== expected) differences.push(`${datetime} +${plus} ${locale}`)
          }
        }
      }
    }
    expect(differences).toEqual([])
  })

  it('counts the real hour when a job spans the change to daylight-saving time', () => {
    // 8 March 2026: 02:00 becomes 03:00, so an hour started at 01:30 ends at 03:30.
    expect(clockTime('2026-03-08 01:30:00', 'fr-CA', 60)).toBe('03 h 30')
    expect(clockTime('2026-11-01 01:30:00', 'en-CA', 60)).toBe(intlClock('2026-11-01 01:30:00', 'en-CA', 60))
  })

  it('opens the tablet’s maps app at the job: geo: on Android, Apple Plans on iPad, Google Maps elsewhere', () => {
    const job = { address: '12 rue Principale, Sherbrooke', latitude: 45.4, longitude: -71.89 }
    expect(mapsLink(job, ANDROID)).toBe('geo:45.4,-71.89?q=45.4,-71.89(12%20rue%20Principale%2C%20Sherbrooke)')
    expect(mapsLink(job, IPAD)).toBe('https://maps.apple.com/?daddr=45.4,-71.89')
    expect(mapsLink({ ...job, latitude: null, longitude: null }, DESKTOP)).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=12%20rue%20Principale%2C%20Sherbrooke',
    )
    expect(mapsLink({ address: null, latitude: null, longitude: null }, DESKTOP)).toBeNull()
  })

  it('offers only the next steps of the job: En route → En cours → Terminé', () => {
    expect(nextStatuses('Scheduled')).toEqual(['En Route', 'In Progress', 'Completed'])
    expect(nextStatuses('En Route')).toEqual(['In Progress', 'Completed'])
    expect(nextStatuses('In Progress')).toEqual(['Completed'])
    expect(nextStatuses('Completed')).toEqual([])
  })

  it('splits jobs by site day', () => {
    const jobs = [{ scheduled_start: '2026-11-27 08:00:00' }, { scheduled_start: '2026-11-28 09:00:00' }] as TechJob[]
    expect(jobsOn(jobs, '2026-11-28')).toEqual([jobs[1]])
  })
})

describe('what a newer read of the day changed', () => {
  const day = (jobs: string[], over: Partial<TechDay> = {}): TechDay =>
    ({
      technician: 'TECH-001',
      today: '2026-12-07',
      tomorrow: '2026-12-08',
      jobs: jobs.map((name) => ({ name }) as TechJob),
      ...over,
    }) as TechDay

  it('names the jobs given and those taken off, in the day’s order', () => {
    expect(dayChanges(day(['DJ-1', 'DJ-2', 'DJ-3']), day(['DJ-4', 'DJ-1', 'DJ-3', 'DJ-5']))).toEqual({
      added: ['DJ-4', 'DJ-5'],
      removed: ['DJ-2'],
    })
    expect(dayChanges(day(['DJ-1']), day(['DJ-1']))).toEqual({ added: [], removed: [] })
  })

  it('says nothing on the first read, or between two technicians’ or two dates’ days', () => {
    expect(dayChanges(null, day(['DJ-1']))).toEqual({ added: [], removed: [] })
    expect(dayChanges(day(['DJ-1']), day(['DJ-2'], { technician: 'TECH-002' }))).toEqual({ added: [], removed: [] })
    expect(dayChanges(day(['DJ-1']), day(['DJ-2'], { today: '2026-12-08' }))).toEqual({ added: [], removed: [] })
  })
})
