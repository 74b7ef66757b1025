import type { H3 } from 'h3'
import { JOB_STATUSES, type DispatchJob, type JobStatus } from '../../../src/contracts/doctypes'
import { UpstreamError, type ErpClient } from './erp'
import { badRequest, notFound, readJsonObject } from './errors'
import type { HubEventLog } from './events'
import { applyFaults, type FaultPlan } from './faults'

/**
 * `POST /jobs/{name}/status` — what a technician's SMS link does in production: the hub changes
 * the Dispatch Job in ERPNext, then tells the BFF (`job.updated`) so every open board refreshes.
 */

export interface JobDeps {
  erp: ErpClient
  events: HubEventLog
  faults: FaultPlan
  /** Called after a job changed, e.g. so technicians' simulated routes follow at once. */
  onJobChanged: (name: string) => void
}

export function registerJobRoutes(app: H3, deps: JobDeps): void {
  app.post('/jobs/:name/status', async (event) => {
    await applyFaults(deps.faults, 'jobs')
    const name = decodeURIComponent(event.context.params?.name ?? '')
    const body = await readJsonObject(event.req)
    const status = body.status
    if (typeof status !== 'string' || !(JOB_STATUSES as readonly string[]).includes(status)) {
      throw badRequest('INVALID_STATUS', `status must be one of ${JOB_STATUSES.join(', ')}`)
    }
    const patch: Record<string, unknown> = { status: status as JobStatus }
    if (typeof body.completion_notes === 'string') patch.completion_notes = body.completion_notes
    let job: DispatchJob
    try {
      job = await deps.erp.update<DispatchJob>('Dispatch Job', name, patch)
    } catch (err) {
      if (err instanceof UpstreamError && err.upstreamStatus === 404)
        throw notFound('JOB_NOT_FOUND', `No Dispatch Job named ${name}`)
      throw err
    }
    deps.onJobChanged(job.name)
    deps.events.publish('job.updated', { name: job.name, modified: job.modified })
    return { name: job.name, status: job.status, modified: job.modified }
  })
}
