import { describe, expect, it } from 'vitest'
import { generateDataset } from './index'

describe('promised arrival windows in the demo data', () => {
  const jobs = generateDataset({ profile: 'demo', now: new Date('2026-11-24T15:00:00Z') })['Dispatch Job'] as {
    name: string
    status: string
    technician?: string
    scheduled_start?: string
    arrival_window_start?: string
    arrival_window_end?: string
    pinned?: number
  }[]
  const hour = (s: string) => Number(s.slice(11, 13))

  it('holds the booked start, as AM, PM, two hours, or none', () => {
    const kinds = { am: 0, pm: 0, two: 0, none: 0 }
    for (const j of jobs) {
      if (!j.arrival_window_start || !j.arrival_window_end) {
        kinds.none++
        continue
      }
      expect(j.arrival_window_start.slice(0, 10)).toBe(j.scheduled_start!.slice(0, 10))
      expect(j.scheduled_start! >= j.arrival_window_start, j.name).toBe(true)
      expect(j.scheduled_start! < j.arrival_window_end, j.name).toBe(true)
      const span = [hour(j.arrival_window_start), hour(j.arrival_window_end)]
      if (span[0] === 8 && span[1] === 12) kinds.am++
      else if (span[0] === 12 && span[1] === 17) kinds.pm++
      else {
        expect(span[1] - span[0], j.name).toBe(2)
        kinds.two++
      }
    }
    for (const n of Object.values(kinds)) expect(n).toBeGreaterThan(jobs.length * 0.05)
  })

  it('locks a few booked jobs, never one waiting or done', () => {
    const locked = jobs.filter((j) => j.pinned)
    expect(locked.length).toBeGreaterThan(0)
    expect(locked.length).toBeLessThan(jobs.length * 0.1)
    for (const j of locked) {
      expect(j.status).toBe('Scheduled')
      expect(j.technician).toBeTruthy()
    }
  })
})
