/**
 * Optimizations in progress and their previews, kept in this BFF's memory until the dispatcher
 * accepts or discards them (or half an hour after they finish). The solver runs in a worker
 * thread, so the BFF keeps serving while it works; a crash, a cancel or a run past its budget
 * leaves the board untouched and says so.
 */
import { randomUUID } from 'node:crypto'
import type { OptimizeRequest, OptimizeStatus, Sentence } from '../../src/contracts/optimize'
import type { VrpOptions, VrpProblem, VrpSolution } from '../optimizer/types'
import type { ErpClient } from '../upstream/erp'
import { buildPreview } from './preview'
import { readDay, type DaySnapshot } from './problem'
import { errorField, log } from '../log'

export type Solver = (problem: VrpProblem, options: VrpOptions) => Promise<VrpSolution>

export interface Run {
  id: string
  owner: string
  request: OptimizeRequest
  status: OptimizeStatus
  snapshot: DaySnapshot
  /** Technicians whose proposed day has been written. */
  accepted: Set<string>
  controller: AbortController
  finishedAt?: number
}

/** Time given beyond the budget before a run counts as overrun (worker start-up, the last moves). */
const GRACE_MS = 15_000
const KEEP_FINISHED_MS = 30 * 60_000
/** Two cores: more solvers at once only slow each other down. */
export const MAX_RUNNING = 2

export const SENTENCES = {
  cancelled: {
    fr: 'Optimisation annulée : rien n’a été changé au tableau.',
    en: 'Optimization cancelled: nothing on the board was changed.',
  },
  overrun: {
    fr: 'L’optimiseur n’a pas terminé dans le temps imparti : rien n’a été changé au tableau. Réessayez avec moins de techniciens.',
    en: 'The optimizer did not finish in its time budget: nothing on the board was changed. Try again with fewer technicians.',
  },
  crashed: {
    fr: 'L’optimiseur s’est arrêté sur une erreur : rien n’a été changé au tableau. Réessayez ; si cela persiste, signalez-le.',
    en: 'The optimizer stopped on an error: nothing on the board was changed. Try again; if it persists, report it.',
  },
} satisfies Record<string, Sentence>

export interface RunsOptions {
  erp: ErpClient
  solve: Solver
  now?: () => number
}

export function createRuns(opts: RunsOptions) {
  const runs = new Map<string, Run>()
  const now = opts.now ?? Date.now

  function sweep() {
    const t = now()
    for (const [id, run] of runs)
      if (run.finishedAt !== undefined && t - run.finishedAt > KEEP_FINISHED_MS) runs.delete(id)
  }

  const running = () => [...runs.values()].filter((r) => r.status.state === 'running')

  function finish(run: Run, state: OptimizeStatus['state'], message?: Sentence) {
    if (run.status.state !== 'running') return
    run.status = { ...run.status, state, message }
    run.finishedAt = now()
  }

  /** Reads the day and starts the solver; answers once it runs (errors reading the day are thrown). */
  async function start(owner: string, request: OptimizeRequest, seconds: number): Promise<Run> {
    sweep()
    // One optimization per dispatcher: a new one replaces the one still running.
    for (const r of running()) if (r.owner === owner) cancel(r)
    const snapshot = await readDay(opts.erp, request, { now: now() })
    const id = randomUUID()
    const run: Run = {
      id,
      owner,
      request,
      snapshot,
      accepted: new Set(),
      controller: new AbortController(),
      status: { id, state: 'running', day: request.day, orderOnly: !!request.orderOnly, progress: 0 },
    }
    runs.set(id, run)
    const budgetMs = seconds * 1000
    const overrun = setTimeout(() => {
      finish(run, 'failed', SENTENCES.overrun)
      run.controller.abort()
    }, budgetMs + GRACE_MS)
    overrun.unref?.()
    opts
      .solve(snapshot.problem, {
        timeBudgetMs: budgetMs,
        seed: 1,
        signal: run.controller.signal,
        onProgress: ({ fraction, best }) => {
          if (run.status.state !== 'running') return
          run.status = {
            ...run.status,
            progress: Math.max(run.status.progress, Math.min(1, fraction)),
            placedSoFar: snapshot.problem.jobs.length - best.unassigned,
          }
        },
      })
      .then((solution) => {
        if (run.status.state !== 'running') return
        run.status = { ...run.status, state: 'ready', progress: 1, preview: buildPreview(snapshot, solution) }
        run.finishedAt = now()
      })
      .catch((err: unknown) => {
        if (run.status.state !== 'running') return
        if (run.controller.signal.aborted) finish(run, 'cancelled', SENTENCES.cancelled)
        else if (err instanceof Error && /budget/i.test(err.message)) finish(run, 'failed', SENTENCES.overrun)
        else {
          log.error({ err: errorField(err), run: id }, 'optimization failed')
          finish(run, 'failed', SENTENCES.crashed)
        }
      })
      .finally(() => clearTimeout(overrun))
    return run
  }

  function cancel(run: Run) {
    if (run.status.state !== 'running') return
    finish(run, 'cancelled', SENTENCES.cancelled)
    run.controller.abort()
  }

  /** The run of `owner`, or undefined (another dispatcher's run reads as absent). */
  function get(id: string, owner: string): Run | undefined {
    sweep()
    const run = runs.get(id)
    return run && run.owner === owner ? run : undefined
  }

  function discard(run: Run) {
    cancel(run)
    runs.delete(run.id)
  }

  return { start, get, cancel, discard, running }
}

export type Runs = ReturnType<typeof createRuns>
