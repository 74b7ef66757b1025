/**
 * Promised arrival windows and locked jobs. Customers are promised a half day (AM 8–12, PM 12–17)
 * or a two-hour window, and some are promised nothing; the window always holds the job's booked
 * (or requested) start, as a booking clerk would have promised it. A few booked jobs are locked
 * by dispatch (an appointment the customer confirmed by phone), so the optimizer leaves them be.
 * Drawn from a stream of their own so the rest of the dataset is unchanged by them.
 */
import type { JobDoc } from './docs'
import type { Rng } from './random'

const AM: readonly [number, number] = [8, 12]
const PM: readonly [number, number] = [12, 17]
const LOCKED_SHARE = 0.04

const at = (day: string, hour: number) => `${day} ${String(hour).padStart(2, '0')}:00:00.000000`

/** The window promised for a start at `minutes` past midnight, or null for none. */
export function promisedWindow(rng: Rng, minutes: number): readonly [number, number] | null {
  const draw = rng.next()
  if (draw < 0.3) return null
  const hour = Math.floor(minutes / 60)
  if (draw < 0.6) {
    if (minutes >= AM[0] * 60 && minutes < AM[1] * 60) return AM
    if (minutes >= PM[0] * 60 && minutes < PM[1] * 60) return PM
  }
  // Two hours, starting on an even hour at or before the start (an early start opens its own).
  const from = hour < 8 ? hour : hour - (hour % 2)
  return from + 2 <= 24 ? [from, from + 2] : null
}

export function addArrivalWindows(rng: Rng, jobs: readonly JobDoc[]): void {
  for (const job of jobs) {
    const start = job.scheduled_start
    if (!start || job.status === 'Cancelled') continue
    const day = start.slice(0, 10)
    const minutes = Number(start.slice(11, 13)) * 60 + Number(start.slice(14, 16))
    const window = promisedWindow(rng, minutes)
    if (window) {
      job.arrival_window_start = at(day, window[0])
      job.arrival_window_end = at(day, window[1])
    }
    if (job.status === 'Scheduled' && job.technician && rng.chance(LOCKED_SHARE)) job.pinned = 1
  }
}
