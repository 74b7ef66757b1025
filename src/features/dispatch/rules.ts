/**
 * The dispatcher's rule checks: overlap with another job of the same technician, outside the
 * shift, a required skill the technician lacks, an inactive technician, a job in the past.
 * They are warnings, never blocks — the dispatcher decides. Pure: instants in, warnings out.
 */
import { shiftOn, siteDay } from './timeAxis'

export type WarningKind = 'overlap' | 'outsideShift' | 'missingSkill' | 'inactive' | 'past'

export interface RuleWarning {
  kind: WarningKind
  /** overlap: the other jobs; missingSkill: the tags the technician lacks. */
  items?: string[]
}

/** What the rules need of a job: its interval as instants and its tags. */
export interface RuleJob {
  name: string
  status: string
  tags: readonly string[]
  start: number
  end: number
}

export interface RuleTechnician {
  name: string
  status?: string
  shift_start?: string
  shift_end?: string
  tags: readonly string[]
}

export interface RuleContext {
  now: number
  /** Tags whose category is Skill: the only ones a technician must have. */
  skillTags: ReadonlySet<string>
}

/** Jobs that no longer take the technician's time. */
const FREE_STATUSES = new Set(['Cancelled'])
/** Jobs under way or done cannot be "in the past" by mistake. */
const STARTED_STATUSES = new Set(['En Route', 'In Progress', 'Completed', 'Cancelled'])

export const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end

/** Skill tags of the job the technician does not have. */
export function missingSkills(
  jobTags: readonly string[],
  technicianTags: readonly string[],
  skillTags: ReadonlySet<string>,
): string[] {
  const has = new Set(technicianTags)
  return jobTags.filter((t) => skillTags.has(t) && !has.has(t))
}

/** Whether [start, end) lies within the technician's shift on the site-local day it starts. */
export function withinShift(
  technician: Pick<RuleTechnician, 'shift_start' | 'shift_end'>,
  start: number,
  end: number,
): boolean {
  const day = siteDay(start)
  // A shift that crosses midnight may have started the day before.
  for (const d of [day, previousDay(day)]) {
    const shift = shiftOn(d, technician.shift_start, technician.shift_end)
    if (shift && start >= shift.start && end <= shift.end) return true
  }
  return !shiftOn(day, technician.shift_start, technician.shift_end) // no shift on file: nothing to break
}

function previousDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10)
}

/**
 * Warnings for `job` placed on `technician` over [job.start, job.end). `others` are the
 * technician's jobs (the job itself may be among them; it is ignored).
 */
export function checkPlacement(
  job: RuleJob,
  technician: RuleTechnician | undefined,
  others: readonly RuleJob[],
  ctx: RuleContext,
): RuleWarning[] {
  const warnings: RuleWarning[] = []
  if (!technician) return warnings
  if (!FREE_STATUSES.has(job.status)) {
    const clashing = others
      .filter((o) => o.name !== job.name && !FREE_STATUSES.has(o.status) && overlaps(o, job))
      .map((o) => o.name)
    if (clashing.length) warnings.push({ kind: 'overlap', items: clashing })
  }
  if (!withinShift(technician, job.start, job.end)) warnings.push({ kind: 'outsideShift' })
  const missing = missingSkills(job.tags, technician.tags, ctx.skillTags)
  if (missing.length) warnings.push({ kind: 'missingSkill', items: missing })
  if (technician.status === 'Inactive') warnings.push({ kind: 'inactive' })
  if (job.start < ctx.now && !STARTED_STATUSES.has(job.status)) warnings.push({ kind: 'past' })
  return warnings
}

/**
 * Overlaps within one technician's row, for the board: jobs sorted by start, so each job only
 * needs to look at the ones that start before it ends.
 */
export function overlapsInRow(sorted: readonly RuleJob[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const add = (a: string, b: string) => {
    const list = out.get(a)
    if (list) list.push(b)
    else out.set(a, [b])
  }
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]
    if (FREE_STATUSES.has(a.status)) continue
    for (let j = i + 1; j < sorted.length && sorted[j].start < a.end; j++) {
      const b = sorted[j]
      if (FREE_STATUSES.has(b.status) || !overlaps(a, b)) continue
      add(a.name, b.name)
      add(b.name, a.name)
    }
  }
  return out
}

/** Every warning of every job of one row, computed once per row change. */
export function rowWarnings(
  sorted: readonly RuleJob[],
  technician: RuleTechnician,
  ctx: RuleContext,
): Map<string, RuleWarning[]> {
  const clashes = overlapsInRow(sorted)
  const out = new Map<string, RuleWarning[]>()
  for (const job of sorted) {
    const warnings: RuleWarning[] = []
    const clash = clashes.get(job.name)
    if (clash) warnings.push({ kind: 'overlap', items: clash })
    if (job.status !== 'Cancelled' && job.status !== 'Completed') {
      if (!withinShift(technician, job.start, job.end)) warnings.push({ kind: 'outsideShift' })
      const missing = missingSkills(job.tags, technician.tags, ctx.skillTags)
      if (missing.length) warnings.push({ kind: 'missingSkill', items: missing })
      if (technician.status === 'Inactive') warnings.push({ kind: 'inactive' })
      if (job.start < ctx.now && !STARTED_STATUSES.has(job.status)) warnings.push({ kind: 'past' })
    }
    if (warnings.length) out.set(job.name, warnings)
  }
  return out
}
