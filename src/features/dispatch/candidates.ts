/**
 * Who should take this job? Every active technician is scored on what a dispatcher weighs: the
 * required skills, a free slot in the shift, how far they are (from their GPS position, or the job
 * they will have just finished, or home), and how loaded their day already is. Each candidate
 * carries its reasons so the dispatcher sees why, and the slot to book in one click. Pure.
 */
import { checkPlacement, missingSkills, overlaps, type RuleJob, type RuleTechnician, type RuleWarning } from './rules'
import { MINUTE, shiftOn, siteDay, snap, SNAP_MINUTES } from './timeAxis'
import { distanceKm, type LatLon } from '../../contracts/geo'
import { travelEstimate } from '../../contracts/travel'

export interface CandidateJob extends RuleJob {
  latitude?: number
  longitude?: number
}
export interface CandidateTechnician extends RuleTechnician {
  home_latitude?: number
  home_longitude?: number
}

export type DistanceFrom = 'gps' | 'lastJob' | 'home'

export interface Candidate {
  technician: string
  score: number
  /** Where the job would go: the requested time when free, else the nearest free slot that day. */
  start: number
  skillsOk: boolean
  missing: string[]
  /** True when `start` is free of overlap and within the shift. */
  free: boolean
  /** True when the requested time itself was free. */
  atRequestedTime: boolean
  distanceKm: number | null
  distanceFrom: DistanceFrom | null
  /** Driving minutes from there, by the product's one travel estimate (src/contracts/travel.ts). */
  driveMinutes: number | null
  /** Minutes already booked that day. */
  loadMinutes: number
  warnings: RuleWarning[]
}

export interface CandidateInput {
  job: CandidateJob
  /** The time the job is wanted at (its requested start). */
  requested: number
  technicians: readonly CandidateTechnician[]
  jobsOf: (technician: string) => readonly CandidateJob[]
  positions: ReadonlyMap<string, LatLon>
  skillTags: ReadonlySet<string>
  now: number
}

const BUSY_STATUSES = new Set(['Scheduled', 'En Route', 'In Progress', 'Completed'])

/** The free 15-minute-aligned start nearest `wanted` within the shift that day, or null. */
export function nearestFreeSlot(
  wanted: number,
  durationMs: number,
  busy: readonly { start: number; end: number }[],
  shift: { start: number; end: number },
  notBefore: number,
): number | null {
  const first = Math.max(shift.start, Math.ceil(notBefore / (SNAP_MINUTES * MINUTE)) * SNAP_MINUTES * MINUTE)
  const step = SNAP_MINUTES * MINUTE
  let best: number | null = null
  for (let s = first; s + durationMs <= shift.end; s += step) {
    const slot = { start: s, end: s + durationMs }
    if (busy.some((b) => overlaps(b, slot))) continue
    if (best === null || Math.abs(s - wanted) < Math.abs(best - wanted)) best = s
  }
  return best
}

export function rankCandidates(input: CandidateInput, limit = 8): Candidate[] {
  const { job } = input
  const durationMs = job.end - job.start
  const wanted = snap(input.requested)
  const day = siteDay(wanted)
  const out: Candidate[] = []
  for (const tech of input.technicians) {
    if (tech.status === 'Inactive') continue
    const theirs = input.jobsOf(tech.name).filter((j) => j.name !== job.name && BUSY_STATUSES.has(j.status))
    const sameDay = theirs.filter((j) => siteDay(j.start) === day)
    const shift = shiftOn(day, tech.shift_start, tech.shift_end)
    const atRequested = { start: wanted, end: wanted + durationMs }
    const requestedFree =
      !sameDay.some((b) => overlaps(b, atRequested)) &&
      (!shift || (atRequested.start >= shift.start && atRequested.end <= shift.end))
    const slot = requestedFree || !shift ? wanted : nearestFreeSlot(wanted, durationMs, sameDay, shift, input.now)
    const start = slot ?? wanted
    const placed = { ...job, start, end: start + durationMs }
    const warnings = checkPlacement(placed, tech, sameDay, { now: input.now, skillTags: input.skillTags })
    const missing = missingSkills(job.tags, tech.tags, input.skillTags)

    // Distance from where they will be: the job they finish just before, else GPS (today), else home.
    let from: LatLon | null = null
    let distanceFrom: DistanceFrom | null = null
    const before = sameDay
      .filter((j) => j.end <= start && j.latitude != null && j.longitude != null)
      .sort((a, b) => b.end - a.end)[0]
    const gps = input.positions.get(tech.name)
    if (before) {
      from = { latitude: before.latitude!, longitude: before.longitude! }
      distanceFrom = 'lastJob'
    } else if (gps && day === siteDay(input.now)) {
      from = gps
      distanceFrom = 'gps'
    } else if (tech.home_latitude != null && tech.home_longitude != null) {
      from = { latitude: tech.home_latitude, longitude: tech.home_longitude }
      distanceFrom = 'home'
    }
    const to =
      job.latitude != null && job.longitude != null ? { latitude: job.latitude, longitude: job.longitude } : null
    const km = from && to ? distanceKm(from, to) : null
    const driveMinutes = from && to ? Math.round(travelEstimate(from, to).minutes) : null
    const loadMinutes = sameDay.reduce((n, j) => n + (j.end - j.start) / MINUTE, 0)

    const free = slot !== null && !warnings.some((w) => w.kind === 'overlap' || w.kind === 'outsideShift')
    let score = 0
    score += missing.length === 0 ? 100 : -40 * missing.length
    score += requestedFree ? 40 : free ? 20 : -30
    score -= km === null ? 15 : Math.min(km, 80) * 1.5
    score -= (loadMinutes / 60) * 4
    out.push({
      technician: tech.name,
      score: Math.round(score * 10) / 10,
      start,
      skillsOk: missing.length === 0,
      missing,
      free,
      atRequestedTime: requestedFree,
      distanceKm: km === null ? null : Math.round(km * 10) / 10,
      distanceFrom,
      driveMinutes,
      loadMinutes,
      warnings,
    })
  }
  out.sort((a, b) => b.score - a.score || a.technician.localeCompare(b.technician))
  return out.slice(0, limit)
}
