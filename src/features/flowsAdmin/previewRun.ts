/**
 * A run of a draft in the preview: the shared interpreter, with the admin standing in for the
 * BFF. An action answers at once with a made-up document; a check waits for the admin to pick
 * the result to walk (online, offline, served or not…). Nothing leaves the page.
 */
import { advance, startRun } from 'src/contracts/flows/interpreter'
import type {
  Effect,
  FlowCustomer,
  FlowDefinition,
  FlowEvent,
  FlowProblem,
  RunState,
  StepRecord,
} from 'src/contracts/flows/types'
import { PREVIEW_NAME, simulatedActResult } from './previewSimulation'

export interface PreviewRun {
  state: RunState
  /** A check waiting for the admin to pick its result. */
  pendingCheck: Extract<Effect, { type: 'check' }> | null
  /** The steps left so far, oldest first. */
  log: StepRecord[]
  /** Why the last event was refused (a form's fields), each naming its field. */
  problems: FlowProblem[]
}

/** Follows the interpreter's answers until it needs the admin: an action is simulated on the spot. */
function settle(def: FlowDefinition, run: PreviewRun, answer: ReturnType<typeof advance>, now: number): PreviewRun {
  if (!answer.ok) return { ...run, problems: answer.problems }
  let next: PreviewRun = {
    state: answer.state,
    pendingCheck: null,
    log: answer.record ? [...run.log, answer.record] : run.log,
    problems: [],
  }
  const effect = answer.effect
  if (effect?.type === 'check') return { ...next, pendingCheck: effect }
  if (effect?.type === 'act') {
    const result = simulatedActResult(effect.action, effect.params)
    next = settle(
      def,
      next,
      advance(def, next.state, { type: 'result', step: effect.step, value: result }, now, PREVIEW_NAME),
      now,
    )
  }
  return next
}

export function startPreview(def: FlowDefinition, customer: FlowCustomer | null, now: number): PreviewRun {
  const empty: PreviewRun = {
    state: {
      flow: PREVIEW_NAME,
      key: def.key,
      version: def.version,
      status: 'In Progress',
      current: def.start,
      history: [],
      context: { customer, values: {} },
      stepStartedAt: now,
    },
    pendingCheck: null,
    log: [],
    problems: [],
  }
  return settle(def, empty, startRun(def, PREVIEW_NAME, customer, now, PREVIEW_NAME), now)
}

/** What the rep would do on the step shown: submit, back or abandon. */
export function previewEvent(def: FlowDefinition, run: PreviewRun, event: FlowEvent, now: number): PreviewRun {
  return settle(def, run, advance(def, run.state, event, now, PREVIEW_NAME), now)
}

/** The admin's pick for the check waiting: it goes back to the interpreter as the check's result. */
export function previewCheckResult(def: FlowDefinition, run: PreviewRun, value: unknown, now: number): PreviewRun {
  if (!run.pendingCheck) return run
  return previewEvent(def, run, { type: 'result', step: run.pendingCheck.step, value }, now)
}
