/**
 * The Optimiser (capability dispatch:plan): plans a day's routes for a set of technicians in a
 * worker thread, shows the proposal beside the current plan, and writes what the dispatcher
 * accepts. See server/optimize/.
 *
 * POST   /ops/api/optimize                 { day, scope, orderOnly?, seconds? } → 202 OptimizeStatus
 * GET    /ops/api/optimize/:id             → OptimizeStatus (poll for progress, then the preview)
 * POST   /ops/api/optimize/:id/cancel      → OptimizeStatus
 * POST   /ops/api/optimize/:id/accept      { technicians? } → OptimizeAcceptAnswer (journaled once)
 * DELETE /ops/api/optimize/:id             → 204, the proposal is forgotten
 */
import { FastResponse } from 'srvx'
import { getRouterParam, type H3, type H3Event } from 'h3'
import { addDays, toFrappeDate } from '../../src/contracts/frappeTime'
import { parseJsonOr } from '../../src/contracts/json'
import type { OptimizeAcceptAnswer, OptimizeRequest, OptimizeScope, OptimizeStatus } from '../../src/contracts/optimize'
import type { AppContext, FeatureRoutes } from '../app'
import { json, readBodyLimited, Refusal, type Sentence } from '../errors'
import { requireCapability } from '../guard'
import { applyMoves, journalDetail } from '../optimize/apply'
import { ScopeProblem } from '../optimize/problem'
import { createRuns, MAX_RUNNING, type Run, type Solver } from '../optimize/runs'
import { optimizeInWorker } from '../optimizer/index'

const BODY_LIMIT = 64 * 1024
const DATE = /^\d{4}-\d{2}-\d{2}$/
const MAX_SECONDS = 60
/** Planning more than this far ahead is guesswork: the queue changes every day. */
const MAX_DAYS_AHEAD = 31

const SENTENCES = {
  badBody: {
    fr: 'La demande n’est pas lisible : un objet JSON est attendu.',
    en: 'The request cannot be read: a JSON object is expected.',
  },
  badDay: {
    fr: `Journée invalide : indiquez une date (AAAA-MM-JJ) entre aujourd’hui et dans ${MAX_DAYS_AHEAD} jours.`,
    en: `Invalid day: give a date (YYYY-MM-DD) from today to ${MAX_DAYS_AHEAD} days ahead.`,
  },
  badScope: {
    fr: 'Choisissez les techniciens : une zone, une sélection ou toute l’équipe.',
    en: 'Choose the technicians: a zone, a selection or the whole team.',
  },
  badSeconds: {
    fr: `Le temps de calcul doit être entre 1 et ${MAX_SECONDS} secondes.`,
    en: `The computing time must be between 1 and ${MAX_SECONDS} seconds.`,
  },
  no_technicians: {
    fr: 'Aucun technicien actif ne correspond à ce choix.',
    en: 'No active technician matches this choice.',
  },
  no_jobs: {
    fr: 'Aucune intervention à planifier ce jour-là pour ces techniciens.',
    en: 'No job to plan that day for these technicians.',
  },
  unknown_zone: {
    fr: 'Cette zone n’existe pas.',
    en: 'This zone does not exist.',
  },
  busy: {
    fr: 'Deux optimisations tournent déjà. Réessayez dans un instant.',
    en: 'Two optimizations are already running. Try again in a moment.',
  },
  gone: {
    fr: 'Cette optimisation n’existe plus (abandonnée, ou terminée il y a plus d’une demi-heure). Relancez-la.',
    en: 'This optimization no longer exists (discarded, or finished over half an hour ago). Run it again.',
  },
  notReady: {
    fr: 'La proposition n’est pas prête : attendez la fin du calcul.',
    en: 'The proposal is not ready: wait for the computation to finish.',
  },
  unknownTechnician: {
    fr: 'Ce technicien ne fait pas partie de cette optimisation.',
    en: 'This technician is not part of this optimization.',
  },
} satisfies Record<string, Sentence>

async function readJson(event: H3Event): Promise<Record<string, unknown>> {
  const text = new TextDecoder().decode(await readBodyLimited(event.req, BODY_LIMIT))
  const value = text.trim() ? parseJsonOr(text, null) : {}
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Refusal(400, 'BAD_BODY', SENTENCES.badBody)
  return value as Record<string, unknown>
}

const isNames = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 2000 && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 140)

function parseScope(raw: unknown): OptimizeScope {
  const s = (raw ?? {}) as Record<string, unknown>
  if (s.kind === 'zone' && typeof s.tag === 'string' && s.tag) return { kind: 'zone', tag: s.tag }
  if (s.kind === 'selection' && isNames(s.technicians) && s.technicians.length > 0)
    return { kind: 'selection', technicians: s.technicians }
  if (s.kind === 'everyone') return { kind: 'everyone' }
  throw new Refusal(400, 'INVALID_SCOPE', SENTENCES.badScope)
}

/** The request, checked; and the time budget in seconds (a zone in 5 s, the whole team in more). */
export function parseRequest(
  body: Record<string, unknown>,
  today: string,
): { request: OptimizeRequest; seconds: number } {
  const day = typeof body.day === 'string' ? body.day : ''
  if (!DATE.test(day) || day < today || day > addDays(today, MAX_DAYS_AHEAD))
    throw new Refusal(400, 'INVALID_DAY', SENTENCES.badDay)
  const scope = parseScope(body.scope)
  const orderOnly = body.orderOnly === true
  let seconds = scope.kind === 'everyone' ? 30 : 5
  if (body.seconds !== undefined) {
    const n = body.seconds
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 1 || n > MAX_SECONDS)
      throw new Refusal(400, 'INVALID_SECONDS', SENTENCES.badSeconds)
    seconds = n
  }
  return { request: { day, scope, orderOnly, seconds }, seconds }
}

/** What the browser sees of a run: its status, with what has been accepted so far. */
const statusOf = (run: Run): OptimizeStatus & { accepted: string[] } => ({ ...run.status, accepted: [...run.accepted] })

/** Registers the routes over a solver (the worker thread in production; tests may pass their own). */
export function optimizeRoutesWith(solve: Solver): FeatureRoutes {
  return (app: H3, ctx: AppContext) => {
    const runs = createRuns({ erp: ctx.erp, solve })

    const runOf = (event: H3Event, owner: string): Run => {
      const run = runs.get(getRouterParam(event, 'id') ?? '', owner)
      if (!run) throw new Refusal(404, 'OPTIMIZATION_GONE', SENTENCES.gone)
      return run
    }

    app.post('/ops/api/optimize', async (event) => {
      const user = requireCapability(ctx, event, 'dispatch:plan')
      const { request, seconds } = parseRequest(await readJson(event), toFrappeDate(new Date()))
      if (runs.running().filter((r) => r.owner !== user.email).length >= MAX_RUNNING)
        throw new Refusal(429, 'OPTIMIZER_BUSY', SENTENCES.busy, { 'retry-after': '10' })
      try {
        const run = await runs.start(user.email, request, seconds)
        return json(202, statusOf(run))
      } catch (err) {
        if (err instanceof ScopeProblem) throw new Refusal(422, err.kind.toUpperCase(), SENTENCES[err.kind])
        throw err
      }
    })

    app.get('/ops/api/optimize/:id', (event) => {
      const user = requireCapability(ctx, event, 'dispatch:plan')
      return json(200, statusOf(runOf(event, user.email)))
    })

    app.post('/ops/api/optimize/:id/cancel', (event) => {
      const user = requireCapability(ctx, event, 'dispatch:plan')
      const run = runOf(event, user.email)
      runs.cancel(run)
      return json(200, statusOf(run))
    })

    app.post('/ops/api/optimize/:id/accept', async (event) => {
      const user = requireCapability(ctx, event, 'dispatch:plan')
      const run = runOf(event, user.email)
      const body = await readJson(event)
      if (run.status.state !== 'ready' || !run.status.preview) throw new Refusal(409, 'NOT_READY', SENTENCES.notReady)
      const inRun = run.status.preview.technicians.map((t) => t.technician)
      let chosen = inRun
      if (body.technicians !== undefined) {
        if (!isNames(body.technicians)) throw new Refusal(400, 'BAD_BODY', SENTENCES.badBody)
        if (body.technicians.some((t) => !inRun.includes(t)))
          throw new Refusal(400, 'UNKNOWN_TECHNICIAN', SENTENCES.unknownTechnician)
        chosen = body.technicians
      }
      const answer: OptimizeAcceptAnswer = await applyMoves(ctx.forRequest(event).erp, ctx.bus, run, chosen)
      ctx.audit.record({
        requestId: ctx.requestId(event),
        actor: user.email,
        action: 'optimize.accept',
        target: `Optimization/${run.id}`,
        outcome: 'ok',
        status: 200,
        detail: journalDetail(run, answer),
      })
      if (inRun.every((t) => run.accepted.has(t))) {
        run.status = { ...run.status, state: 'accepted' }
      }
      return json(200, answer)
    })

    app.delete('/ops/api/optimize/:id', (event) => {
      const user = requireCapability(ctx, event, 'dispatch:plan')
      runs.discard(runOf(event, user.email))
      return new FastResponse(null, { status: 204 })
    })
  }
}

/** A runaway solve fails alone in its worker rather than taking the BFF's memory. */
const WORKER_HEAP_MB = 1536
/** A busy machine starts a worker slowly: a late plan is better than none, up to this much late. */
const WORKER_GRACE_MS = 10_000

export const optimizeRoutes: FeatureRoutes = optimizeRoutesWith((problem, options) =>
  optimizeInWorker(problem, { ...options, maxHeapMb: WORKER_HEAP_MB, graceMs: WORKER_GRACE_MS }),
)
