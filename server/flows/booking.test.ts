import { describe, expect, it } from 'vitest'
import { pickTechnician, siteInstantOf, type BookingTechnician } from './booking'

const DAY = '2026-12-03'
const at = (hour: number, minute = 0) => siteInstantOf(DAY, { hour, minute })
const crew: BookingTechnician[] = [
  { name: 'TECH-001', shift_start: '08:00', shift_end: '16:30', home_latitude: 45.78, home_longitude: -74.0 },
  { name: 'TECH-002', shift_start: '08:00', shift_end: '16:30', home_latitude: 45.5, home_longitude: -73.6 },
]
const site = { latitude: 45.77, longitude: -74.01 }

describe('a technician for a job booked on a preferred day', () => {
  it('takes the least loaded technician, at the first free slot of their shift', () => {
    const busy = [{ technician: 'TECH-001', start: at(8), end: at(10) }]
    expect(pickTechnician({ day: DAY, durationMs: 60 * 60_000, technicians: crew, busy, notBefore: 0, site })).toEqual({
      technician: 'TECH-002',
      start: at(8),
    })
  })

  it('between equally loaded technicians, the one living nearest', () => {
    expect(
      pickTechnician({ day: DAY, durationMs: 60 * 60_000, technicians: crew, busy: [], notBefore: 0, site }),
    ).toEqual({ technician: 'TECH-001', start: at(8) })
  })

  it('fits the job between bookings and never past the shift or before now', () => {
    const busy = [
      { technician: 'TECH-001', start: at(8), end: at(9) },
      { technician: 'TECH-001', start: at(10), end: at(16, 30) },
    ]
    const one = [crew[0]]
    expect(pickTechnician({ day: DAY, durationMs: 60 * 60_000, technicians: one, busy, notBefore: 0, site })).toEqual({
      technician: 'TECH-001',
      start: at(9),
    })
    expect(pickTechnician({ day: DAY, durationMs: 90 * 60_000, technicians: one, busy, notBefore: 0, site })).toBeNull()
    expect(
      pickTechnician({ day: DAY, durationMs: 30 * 60_000, technicians: one, busy: [], notBefore: at(16, 10), site }),
    ).toBeNull()
  })
})
