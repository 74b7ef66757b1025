/**
 * The preview a dispatcher reads before anything is written: per technician, the day as it stands
 * and the day proposed (jobs, road km, drive time, overtime, windows missed), the jobs that would
 * move, and the jobs left out with why, in a sentence.
 */
import type {
  JobMove,
  OptimizePreview,
  PlanFigures,
  PlannedStop,
  Sentence,
  TechnicianPlan,
  UnservedJob,
} from '../../src/contracts/optimize'
import { geoTravel } from '../optimizer/travel'
import type { VrpLocation, VrpSolution, VrpUnassignedReason } from '../optimizer/types'
import { instantOn, type DayJob, type DaySnapshot, type DayTechnician } from './problem'

const round1 = (n: number) => Math.round(n * 10) / 10

function hhmm(seconds: number, lang: 'fr' | 'en'): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor(seconds / 60) % 60
  return lang === 'fr' ? `${h} h${m ? String(m).padStart(2, '0') : ''}` : `${h}:${String(m).padStart(2, '0')}`
}

/** Why a job is left out, as the dispatcher reads it. */
export function reasonSentence(reason: VrpUnassignedReason, job: DayJob): Sentence {
  switch (reason) {
    case 'no_skilled_vehicle': {
      const skills = job.skills.join(', ')
      return {
        fr: `Aucun des techniciens choisis n’a toutes les compétences requises (${skills}).`,
        en: `None of the chosen technicians has every skill it needs (${skills}).`,
      }
    }
    case 'window_impossible':
      return job.window
        ? {
            fr: `Aucun technicien ne peut arriver dans la plage promise (${hhmm(job.window[0], 'fr')}–${hhmm(job.window[1], 'fr')}).`,
            en: `No technician can arrive within the promised window (${hhmm(job.window[0], 'en')}–${hhmm(job.window[1], 'en')}).`,
          }
        : {
            fr: 'Son heure fixée ne peut pas être tenue avec les autres interventions verrouillées.',
            en: 'Its fixed time cannot be kept together with the other locked jobs.',
          }
    case 'shift_too_short':
      return {
        fr: 'Elle ne tient dans le quart d’aucun technicien compétent, même seule.',
        en: 'It does not fit in any skilled technician’s shift, even on its own.',
      }
    case 'no_room':
      return {
        fr: 'Les quarts sont pleins : elle ne tient pas avec les interventions plus urgentes ou déjà placées.',
        en: 'The shifts are full: it does not fit with the more urgent or already placed jobs.',
      }
  }
}

interface Visit {
  job: DayJob
  start: number
}

/** A technician's day as a sequence of visits: distance, drive, overtime, windows missed. */
function figures(tech: DayTechnician, visits: Visit[], snapshot: DaySnapshot): PlanFigures {
  let distance = 0
  let drive = 0
  let at: VrpLocation | undefined = tech.home
  let end = tech.shiftStart
  let missed = 0
  for (const v of visits) {
    if (at) {
      const leg = geoTravel(at, v.job.location, snapshot.metric)
      distance += leg.distanceM
      drive += leg.seconds
    }
    at = v.job.location
    end = Math.max(end, v.start + v.job.duration)
    if (v.job.window && (v.start < v.job.window[0] || v.start > v.job.window[1])) missed++
  }
  let home = end
  if (at && tech.home && visits.length > 0) {
    const leg = geoTravel(at, tech.home, snapshot.metric)
    distance += leg.distanceM
    drive += leg.seconds
    home += leg.seconds
  }
  return {
    jobs: visits.length,
    km: round1(distance / 1000),
    driveMinutes: Math.round(drive / 60),
    overtimeMinutes: visits.length > 0 ? Math.max(0, Math.round((home - tech.shiftEnd) / 60)) : 0,
    windowsMissed: missed,
  }
}

const stops = (snapshot: DaySnapshot, visits: Visit[]): PlannedStop[] =>
  visits.map((v) => ({
    job: v.job.name,
    start: instantOn(snapshot.day, v.start),
    end: instantOn(snapshot.day, v.start + v.job.duration),
  }))

const sum = (list: PlanFigures[]): PlanFigures => ({
  jobs: list.reduce((a, f) => a + f.jobs, 0),
  km: round1(list.reduce((a, f) => a + f.km, 0)),
  driveMinutes: list.reduce((a, f) => a + f.driveMinutes, 0),
  overtimeMinutes: list.reduce((a, f) => a + f.overtimeMinutes, 0),
  windowsMissed: list.reduce((a, f) => a + f.windowsMissed, 0),
})

/** Same minute, same technician: not a change worth writing. */
const sameMinute = (a: number | null, b: number) => a !== null && Math.round(a / 60) === Math.round(b / 60)

export function buildPreview(snapshot: DaySnapshot, solution: VrpSolution): OptimizePreview {
  const jobOf = new Map(snapshot.jobs.map((j) => [j.name, j]))
  const proposedOf = new Map<string, { technician: string; start: number }>()
  for (const route of solution.routes) {
    for (const step of route.steps) {
      if (step.type === 'job' && step.id) proposedOf.set(step.id, { technician: route.vehicle, start: step.arrival })
    }
  }
  // A booked job the solver leaves out stays where it is: the proposal never un-books anyone.
  const proposedVisits = new Map<string, Visit[]>(snapshot.technicians.map((t) => [t.name, []]))
  const currentVisits = new Map<string, Visit[]>(snapshot.technicians.map((t) => [t.name, []]))
  for (const job of snapshot.jobs) {
    if (job.technician && job.start !== null) currentVisits.get(job.technician)?.push({ job, start: job.start })
    const p = proposedOf.get(job.name)
    if (p) proposedVisits.get(p.technician)?.push({ job, start: p.start })
    else if (job.technician && job.start !== null) proposedVisits.get(job.technician)?.push({ job, start: job.start })
  }
  const byStart = (a: Visit, b: Visit) => a.start - b.start
  const moves: JobMove[] = []
  for (const [name, p] of proposedOf) {
    const job = jobOf.get(name)
    if (!job || job.locked) continue
    if (job.technician === p.technician && sameMinute(job.start, p.start)) continue
    const move: JobMove = {
      job: name,
      fromTechnician: job.technician,
      fromStart: job.technician && job.start !== null ? instantOn(snapshot.day, job.start) : null,
      toTechnician: p.technician,
      toStart: instantOn(snapshot.day, p.start),
      duration_minutes: Math.round(job.duration / 60),
      longitude: job.location[0],
      latitude: job.location[1],
    }
    moves.push(move)
  }
  moves.sort((a, b) => a.toTechnician.localeCompare(b.toTechnician) || a.toStart - b.toStart)

  const technicians: TechnicianPlan[] = snapshot.technicians.map((tech) => {
    const current = (currentVisits.get(tech.name) ?? []).sort(byStart)
    const proposed = (proposedVisits.get(tech.name) ?? []).sort(byStart)
    return {
      technician: tech.name,
      full_name: tech.full_name,
      current: figures(tech, current, snapshot),
      proposed: figures(tech, proposed, snapshot),
      currentStops: stops(snapshot, current),
      proposedStops: stops(snapshot, proposed),
      changed: moves.filter((m) => m.toTechnician === tech.name).length,
    }
  })

  const unserved: UnservedJob[] = []
  for (const u of solution.unassigned) {
    const job = jobOf.get(u.id)
    if (job)
      unserved.push({
        job: job.name,
        technician: job.technician,
        reason: u.reason,
        sentence: reasonSentence(u.reason, job),
      })
  }
  for (const job of snapshot.jobs) {
    if (job.expired)
      unserved.push({
        job: job.name,
        technician: job.technician,
        reason: 'window_impossible',
        sentence: reasonSentence('window_impossible', job),
      })
  }

  const plannable = snapshot.jobs.length
  return {
    day: snapshot.day,
    technicians,
    moves,
    unserved,
    totals: {
      current: sum(technicians.map((t) => t.current)),
      proposed: sum(technicians.map((t) => t.proposed)),
      placed: proposedOf.size,
      jobs: plannable,
      computingMs: solution.summary.computing_ms,
    },
  }
}
