import { describe, expect, it } from 'vitest'
import { clockTime, jobsOn, mapsLink, nextStatuses } from './techFormat'
import type { TechJob } from '../../contracts/tech'

const ANDROID = 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/131 Safari/537.36'
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131'

describe('the technician’s day', () => {
  it('shows times in Toronto time on the 24-hour clock, end time from the duration', () => {
    expect(clockTime('2026-11-27 08:30:00.000000', 'fr-CA')).toBe('08 h 30')
    expect(clockTime('2026-11-27 08:30:00.000000', 'en-CA', 90)).toBe('10:00')
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
