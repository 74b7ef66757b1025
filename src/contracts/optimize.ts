/**
 * The Optimiser's payloads (POST /ops/api/optimize and what follows), shared by the BFF, which
 * builds the problem from ERPNext and runs the solver, and the SPA, which shows the preview and
 * sends the dispatcher's decision.
 */
/** A sentence in both of the staff's languages. */
export interface Sentence {
  fr: string
  en: string
}

/** Who is optimized: one zone's technicians, a chosen few, or the whole active team. */
export type OptimizeScope =
  { kind: 'zone'; tag: string } | { kind: 'selection'; technicians: string[] } | { kind: 'everyone' }

export interface OptimizeRequest {
  /** Site-local day, YYYY-MM-DD. */
  day: string
  scope: OptimizeScope
  /** Only the order of these technicians' own jobs changes (Réoptimiser la journée). */
  orderOnly?: boolean
  /** Time budget of the solver, in seconds (1–60). */
  seconds?: number
}

export type OptimizeState = 'running' | 'ready' | 'failed' | 'cancelled' | 'accepted'

/** One technician's day under a plan: the figures the dispatcher compares. */
export interface PlanFigures {
  jobs: number
  /** Road kilometres, home to home. */
  km: number
  /** Driving minutes. */
  driveMinutes: number
  /** Minutes past the end of the shift. */
  overtimeMinutes: number
  /** Jobs starting outside their promised arrival window. */
  windowsMissed: number
}

export interface PlannedStop {
  job: string
  /** Instant (ms since the epoch) the job starts. */
  start: number
  end: number
}

export interface TechnicianPlan {
  technician: string
  full_name: string
  current: PlanFigures
  proposed: PlanFigures
  currentStops: PlannedStop[]
  proposedStops: PlannedStop[]
  /** Jobs whose technician or start this plan changes. */
  changed: number
}

/** A job the proposal moves: from where it is to where it would go. */
export interface JobMove {
  job: string
  /** Null: in the unassigned queue. */
  fromTechnician: string | null
  fromStart: number | null
  toTechnician: string
  toStart: number
  duration_minutes: number
  latitude?: number
  longitude?: number
}

export interface UnservedJob {
  job: string
  /** Where it stays (its technician today, or null for the queue). */
  technician: string | null
  reason: 'no_skilled_vehicle' | 'window_impossible' | 'shift_too_short' | 'no_room'
  sentence: Sentence
}

export interface OptimizeTotals {
  current: PlanFigures
  proposed: PlanFigures
  /** Jobs of the day placed by the proposal, out of `jobs`. */
  placed: number
  jobs: number
  computingMs: number
}

export interface OptimizePreview {
  day: string
  technicians: TechnicianPlan[]
  moves: JobMove[]
  unserved: UnservedJob[]
  totals: OptimizeTotals
}

export interface OptimizeStatus {
  id: string
  state: OptimizeState
  day: string
  orderOnly: boolean
  /** 0–1 of the time budget spent. */
  progress: number
  /** Jobs placed so far by the best solution, while it runs. */
  placedSoFar?: number
  /** When ready (or accepted). */
  preview?: OptimizePreview
  /** Why it failed or what was cancelled, as a sentence. */
  message?: Sentence
}

export interface OptimizeAcceptRequest {
  /** Technicians whose proposed day is written; absent: all of them. */
  technicians?: string[]
}

export interface SkippedJob {
  job: string
  sentence: Sentence
}

export interface OptimizeAcceptAnswer {
  written: string[]
  skipped: SkippedJob[]
  /** Technicians whose day was accepted. */
  technicians: string[]
}
