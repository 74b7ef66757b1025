/**
 * Writing an accepted proposal: each moved job is saved with the `modified` it had when the day
 * was read, so a job a colleague (or the technician) changed meanwhile is refused by ERPNext and
 * skipped — named to the dispatcher, never overwritten. Every job written is announced on the bus
 * so other dispatchers' boards move it live.
 */
import type { JobMove, OptimizeAcceptAnswer, PlanFigures, SkippedJob } from '../../src/contracts/optimize'
import type { DispatchJob } from '../../src/contracts/doctypes'
import { toFrappeDatetime } from '../../src/contracts/frappeTime'
import type { EventBus } from '../events/bus'
import { jobUpdate } from '../events/docEvents'
import { ErpRefused, type ErpClient } from '../upstream/erp'
import type { Run } from './runs'

const CONCURRENCY = 4

function changedMeanwhile(job: string): SkippedJob['sentence'] {
  return {
    fr: `${job} a été modifiée par quelqu’un d’autre depuis le calcul : elle est laissée telle quelle.`,
    en: `${job} was changed by someone else since the plan was computed: it was left as it is.`,
  }
}

function refused(job: string, excType: string): SkippedJob['sentence'] {
  return {
    fr: `ERPNext a refusé de modifier ${job} (${excType}) : elle est laissée telle quelle.`,
    en: `ERPNext refused to change ${job} (${excType}): it was left as it is.`,
  }
}

export async function applyMoves(
  erp: ErpClient,
  bus: EventBus,
  run: Run,
  technicians: readonly string[],
): Promise<OptimizeAcceptAnswer> {
  const preview = run.status.preview
  if (!preview) return { written: [], skipped: [], technicians: [] }
  const chosen = new Set(technicians.filter((t) => !run.accepted.has(t)))
  const jobOf = new Map(run.snapshot.jobs.map((j) => [j.name, j]))
  const moves = preview.moves.filter((m) => chosen.has(m.toTechnician))
  const written: string[] = []
  const skipped: SkippedJob[] = []
  let next = 0
  const write = async (move: JobMove) => {
    const job = jobOf.get(move.job)
    if (!job) return
    const changes: Record<string, unknown> = {
      technician: move.toTechnician,
      scheduled_start: toFrappeDatetime(new Date(move.toStart)).slice(0, 19),
      modified: job.modified,
    }
    if (job.status === 'Unscheduled') changes.status = 'Scheduled'
    try {
      const doc = await erp.update<DispatchJob>('Dispatch Job', move.job, changes)
      written.push(move.job)
      bus.publish('doc_update', jobUpdate({ ...doc, name: move.job }, 'update'))
    } catch (err) {
      if (!(err instanceof ErpRefused)) throw err
      skipped.push({
        job: move.job,
        sentence:
          err.excType === 'TimestampMismatchError' ? changedMeanwhile(move.job) : refused(move.job, err.excType),
      })
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, moves.length) }, async () => {
      while (next < moves.length) await write(moves[next++])
    }),
  )
  for (const t of chosen) run.accepted.add(t)
  written.sort()
  skipped.sort((a, b) => a.job.localeCompare(b.job))
  return { written, skipped, technicians: [...chosen].sort() }
}

const fig = (label: string, before: number, after: number, unit = '') => `${label} ${before}${unit} → ${after}${unit}`

/** The journal line's figures: what changed, for whom, and what it gained. */
export function journalDetail(run: Run, answer: OptimizeAcceptAnswer): string {
  const preview = run.status.preview
  const plans = preview?.technicians.filter((t) => answer.technicians.includes(t.technician)) ?? []
  const total = (pick: (p: (typeof plans)[number]) => PlanFigures, key: keyof PlanFigures) =>
    Math.round(plans.reduce((a, p) => a + pick(p)[key], 0) * 10) / 10
  const parts = [
    `day ${run.snapshot.day}${run.request.orderOnly ? ' (order only)' : ''}`,
    `${answer.technicians.length} technician(s): ${answer.technicians.join(', ')}`,
    `${answer.written.length} job(s) written`,
    `${answer.skipped.length} skipped${answer.skipped.length ? ` (${answer.skipped.map((s) => s.job).join(', ')})` : ''}`,
    fig(
      'km',
      total((p) => p.current, 'km'),
      total((p) => p.proposed, 'km'),
    ),
    fig(
      'drive',
      total((p) => p.current, 'driveMinutes'),
      total((p) => p.proposed, 'driveMinutes'),
      ' min',
    ),
    fig(
      'overtime',
      total((p) => p.current, 'overtimeMinutes'),
      total((p) => p.proposed, 'overtimeMinutes'),
      ' min',
    ),
    fig(
      'windows missed',
      total((p) => p.current, 'windowsMissed'),
      total((p) => p.proposed, 'windowsMissed'),
    ),
    `unserved ${preview?.unserved.length ?? 0}`,
    `computed in ${preview?.totals.computingMs ?? 0} ms`,
  ]
  return parts.join(' · ')
}
