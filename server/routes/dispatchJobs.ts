/**
 * POST /ops/api/dispatch/jobs/{name}/unassign `{ "modified": "…" }` — "Remettre en attente": the
 * job goes back to the unassigned queue, its technician cleared and its requested time kept
 * (dispatch:plan). Written with the `modified` the dispatcher saw, so a colleague's newer edit is
 * never overwritten (417 TimestampMismatchError, as ERPNext says it); refused with the reason for
 * a job already under way or closed. Journaled, and announced to every board.
 */
import { getRouterParam, type H3 } from 'h3'
import type { DispatchJob, JobStatus } from '../../src/contracts/doctypes'
import { parseJsonOr } from '../../src/contracts/json'
import type { AppContext, FeatureRoutes } from '../app'
import { FrappeRefusal, json, readBodyLimited, Refusal, type Sentence } from '../errors'
import { requireCapability } from '../guard'
import { ErpRefused } from '../upstream/erp'
import { DOC_NAME } from './techDay'
import { jobUpdate } from '../events/docEvents'

/** Statuses a job cannot be taken back from, and why. */
export const NOT_UNASSIGNABLE: Partial<Record<JobStatus, Sentence>> = {
  'En Route': {
    fr: 'Le technicien est déjà en route vers ce client : l’intervention ne peut pas être remise en attente. Appelez-le pour la déplacer.',
    en: 'The technician is already on the way to this customer: the job cannot go back to the queue. Call them to move it.',
  },
  'In Progress': {
    fr: 'L’intervention est en cours chez le client : elle ne peut pas être remise en attente.',
    en: 'The job is in progress at the customer’s: it cannot go back to the queue.',
  },
  Completed: {
    fr: 'L’intervention est terminée : elle ne peut pas être remise en attente.',
    en: 'The job is completed: it cannot go back to the queue.',
  },
  Cancelled: {
    fr: 'L’intervention est annulée : rouvrez-la avant de la planifier.',
    en: 'The job is cancelled: reopen it before planning it.',
  },
}

const NOT_FOUND: Sentence = {
  fr: 'Cette intervention n’existe pas (ou plus).',
  en: 'This job does not exist (any more).',
}
const STALE: Sentence = {
  fr: 'Un collègue a modifié cette intervention entre-temps : elle est affichée telle qu’elle est maintenant.',
  en: 'A colleague changed this job meanwhile: it is shown as it is now.',
}

/** Why `job` cannot go back to the queue, or null when it can. */
export function unassignRefusal(job: Pick<DispatchJob, 'status'>): Sentence | null {
  return NOT_UNASSIGNABLE[job.status ?? 'Unscheduled'] ?? null
}

export const dispatchJobRoutes: FeatureRoutes = (app: H3, ctx: AppContext) => {
  app.post('/ops/api/dispatch/jobs/:name/unassign', async (event) => {
    const user = requireCapability(ctx, event, 'dispatch:plan')
    const requestId = ctx.requestId(event)
    const name = getRouterParam(event, 'name', { decode: true }) ?? ''
    if (!DOC_NAME.test(name)) throw new Refusal(404, 'NOT_FOUND', NOT_FOUND)
    const body = parseJsonOr(new TextDecoder().decode(await readBodyLimited(event.req, 4096)) || '{}', null)
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new Refusal(400, 'BAD_BODY', {
        fr: 'Le contenu doit être un objet JSON, par exemple {"modified": "…"}.',
        en: 'The body must be a JSON object, e.g. {"modified": "…"}.',
      })
    const seen = (body as Record<string, unknown>).modified
    if (seen !== undefined && typeof seen !== 'string')
      throw new Refusal(400, 'BAD_BODY', {
        fr: '« modified » doit être la date de modification lue, en texte.',
        en: '"modified" must be the modification date read, as text.',
      })

    const journal = (outcome: 'ok' | 'refused' | 'failed', status: number, detail?: string) =>
      ctx.audit.record({
        requestId,
        actor: user.email,
        action: 'dispatch.unassign',
        target: `Dispatch Job/${name}`,
        outcome,
        status,
        ...(detail ? { detail } : {}),
      })

    const { erp } = ctx.forRequest(event)
    const job = await erp.get<DispatchJob>('Dispatch Job', name)
    if (!job) throw new Refusal(404, 'NOT_FOUND', NOT_FOUND)
    const refusal = unassignRefusal(job)
    if (refusal) {
      journal('refused', 409, `status ${job.status}`)
      throw new Refusal(409, 'JOB_UNDER_WAY', refusal)
    }
    // Already waiting: nothing to write, the answer is the job as it is.
    if (!job.technician && job.status === 'Unscheduled') return json(200, { data: job })

    let saved: DispatchJob
    try {
      saved = await erp.update<DispatchJob>('Dispatch Job', name, {
        technician: '',
        status: 'Unscheduled',
        modified: typeof seen === 'string' ? seen : job.modified,
      })
    } catch (err) {
      if (err instanceof ErpRefused && err.status === 417) {
        journal('refused', 417, 'changed meanwhile')
        throw new FrappeRefusal(417, 'TimestampMismatchError', STALE)
      }
      journal('failed', 502)
      throw err
    }
    journal('ok', 200, `from ${job.technician ?? '—'} at ${job.scheduled_start ?? '—'}`)
    ctx.bus.publish('doc_update', jobUpdate({ ...saved, name }, 'update'))
    return json(200, { data: saved })
  })
}
