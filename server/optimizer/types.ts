/**
 * The route optimizer's input and output, kept close to VROOM's JSON (vehicles, jobs, routes with
 * steps, unassigned, summary) so an external solver could answer the same request later.
 *
 * Units: times in seconds on one clock (the product uses seconds since the day's local midnight;
 * Solomon instances their own time units), distances in metres for `geo` and in coordinate units
 * for `euclidean`. Identifiers are the caller's strings (job and technician names, or Solomon
 * customer numbers as strings).
 */

/** How travel is measured between two locations. */
export type VrpMetric =
  /** Solomon: straight-line distance, travel time = distance. */
  | { kind: 'euclidean' }
  /** The field: great-circle distance × detour factor, driven at a road speed. Locations are [lon, lat]. */
  | { kind: 'geo'; detourFactor: number; speedKmh: number }

export type VrpLocation = [number, number]

export interface VrpVehicle {
  id: string
  /** Where the day starts and ends (a technician's home). Absent: the route starts/ends at its first/last job. */
  start?: VrpLocation
  end?: VrpLocation
  /** The shift: leave no earlier than [0], be back no later than [1]. */
  time_window: [number, number]
  /** Skill tags the vehicle has; a job is served only by a vehicle holding all of its skills. */
  skills?: string[]
  /** Capacity per dimension (Solomon's load); absent = unlimited. */
  capacity?: number[]
}

export interface VrpJob {
  id: string
  location: VrpLocation
  /** Service duration at the job. */
  service: number
  skills?: string[]
  /** Arrival windows: service must start inside one of them. Absent = any time in the shift. */
  time_windows?: [number, number][]
  /** 0–100, higher first: when not every job fits, urgent ones are served before others. */
  priority?: number
  /** Demand per capacity dimension. */
  amount?: number[]
  /**
   * A job that must not move: served by this vehicle, starting at exactly this time (a pinned job,
   * or one already En route / En cours / Terminé). The solver plans the rest around it.
   */
  pinned?: { vehicle: string; arrival: number }
}

export interface VrpProblem {
  metric: VrpMetric
  vehicles: VrpVehicle[]
  jobs: VrpJob[]
  /** When set, only route order may change: each job stays on this vehicle. */
  fixedAssignment?: Record<string, string>
}

export interface VrpOptions {
  /** Wall-clock budget for the whole solve, construction included. */
  timeBudgetMs: number
  /** Same problem, same seed → same solution (given the same budget is not cut short). */
  seed?: number
  /** Called now and then with the fraction of the budget spent and the best solution's summary. */
  onProgress?: (progress: { fraction: number; best: VrpSummary }) => void
  signal?: AbortSignal
  /**
   * Stop after this many improvement rounds (the cooling follows the rounds instead of the clock),
   * so a run gives the same plan on any machine as long as the time budget is not reached first.
   */
  iterations?: number
}

export interface VrpStep {
  type: 'start' | 'job' | 'end'
  id?: string
  location?: VrpLocation
  /** Service start for a job; departure for start; arrival for end. */
  arrival: number
  service: number
  waiting_time: number
  /** Distance travelled since the route's start, arriving here. */
  distance: number
}

export interface VrpRoute {
  vehicle: string
  steps: VrpStep[]
  distance: number
  /** Travel time only. */
  duration: number
  service: number
  waiting_time: number
}

/** Why a job is left out: the caller turns these into sentences. */
export type VrpUnassignedReason =
  | 'no_skilled_vehicle' // no vehicle holds every skill it needs
  | 'window_impossible' // no vehicle can reach it inside its window (or its pin cannot be kept)
  | 'shift_too_short' // it cannot fit in any skilled vehicle's shift, even alone
  | 'no_room' // it could be served alone, but not together with the jobs kept

export interface VrpUnassigned {
  id: string
  reason: VrpUnassignedReason
}

export interface VrpSummary {
  /** Routes that serve at least one job. */
  vehicles: number
  distance: number
  duration: number
  service: number
  waiting_time: number
  unassigned: number
  /** Sum of the priorities of unassigned jobs. */
  unassigned_priority: number
  computing_ms: number
}

export interface VrpSolution {
  routes: VrpRoute[]
  unassigned: VrpUnassigned[]
  summary: VrpSummary
}
