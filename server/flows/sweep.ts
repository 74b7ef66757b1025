/**
 * Runs left In Progress longer than FLOW_IDLE_MINUTES are marked Abandoned (ended when they were
 * last touched), so the statistics say where reps give up and the customer's page stops offering
 * to resume a call long over. Each run is written with its `modified`: one touched meanwhile stays.
 */
import type { AgentFlowRunDoc } from '../../src/contracts/doctypes'
import { toFrappeDatetime } from '../../src/contracts/frappeTime'
import { ErpRefused, type ErpClient } from '../upstream/erp'
import { RUN } from './store'
import { errorField, log } from '../log'

/** At most this many runs per sweep; the next sweep takes the rest. */
const BATCH = 500

/** The `modified` before which an In Progress run is idle. */
export const idleCutoff = (now: number, idleMinutes: number) => toFrappeDatetime(new Date(now - idleMinutes * 60_000))

export async function sweepIdleRuns(erp: ErpClient, idleMinutes: number, now: number): Promise<number> {
  const idle = await erp.list<Pick<AgentFlowRunDoc, 'name' | 'modified'>>(RUN, {
    fields: ['name', 'modified'],
    filters: [
      ['status', '=', 'In Progress'],
      ['modified', '<', idleCutoff(now, idleMinutes)],
    ],
    orderBy: 'modified asc',
    limit: BATCH,
  })
  let swept = 0
  for (const run of idle) {
    try {
      await erp.update(RUN, run.name, { status: 'Abandoned', ended_at: run.modified, modified: run.modified })
      swept++
    } catch (err) {
      // Touched since it was listed: not idle after all.
      if (err instanceof ErpRefused && err.excType === 'TimestampMismatchError') continue
      throw err
    }
  }
  return swept
}

/** Sweeps now and then; one sweep at a time, a failed one is logged and left to the next. */
export function idleSweeper(erp: ErpClient, idleMinutes: number, now: () => number = Date.now) {
  let running: Promise<number> | null = null
  return function sweep(): Promise<number> {
    running ??= sweepIdleRuns(erp, idleMinutes, now())
      .catch((err: unknown) => {
        log.warn({ err: errorField(err) }, 'flows: idle sweep failed')
        return 0
      })
      .finally(() => {
        running = null
      })
    return running
  }
}
