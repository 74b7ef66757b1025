/**
 * Runs flows for real: starts a run pinned to the latest published version, applies the rep's
 * events through the shared interpreter, and performs what it asks for — checks at once, actions
 * once per run and step. Every change is written to the run in ERPNext with its `modified`, so a
 * write from elsewhere in between is refused rather than lost; events of one run are applied one
 * after the other in this process.
 *
 * An action is claimed before it is performed (a `pending` line in the run's log, written first),
 * so another replica, a double click or a retry sees the claim and does not act a second time; a
 * claim left by a performer that never came back expires. Once done, the action's result is on
 * the run's log with the document it made: Back then Next reuses it, nothing new is created.
 */
import { toFrappeDatetime } from '../../src/contracts/frappeTime'
import { ACTION_SPECS } from '../../src/contracts/flows/catalogue'
import { advance, fitsCustomer, startRun } from '../../src/contracts/flows/interpreter'
import type {
  ActResult,
  Advance,
  Effect,
  FlowDefinition,
  FlowEvent,
  FlowProblem,
  RunState,
  RunView,
} from '../../src/contracts/flows/types'
import type { AgentFlowRunDoc } from '../../src/contracts/doctypes'
import { Refusal, type Sentence } from '../errors'
import type { RequestUser } from '../session'
import { ErpRefused } from '../upstream/erp'
import { runAction, type MadeEarlier } from './actions'
import { runCheck } from './checks'
import { loadFlowCustomer } from './customer'
import { hasAny, missingCapability, OperationFailed, type FlowServices, type Performer } from './operation'
import {
  loadRun,
  parseData,
  readRun,
  recordOf,
  rowOf,
  RUN,
  saveRun,
  type EventRow,
  type FlowStore,
  type StoredFlow,
  type StoredRun,
} from './store'

/** A claim older than this belongs to a performer that never came back (upstream calls time out sooner). */
export const CLAIM_STALE_MS = 2 * 60_000
/** Checks one request may chain (a check landing on a check…) before it stops and lets the rep go on. */
const MAX_CHECKS = 20
const RECORD_ATTEMPTS = 3

export interface Actor {
  user: RequestUser
  requestId: string
}

type Failure = NonNullable<RunView['failure']>
type Moved = Extract<Advance, { ok: true }>

/** The claim line of an action: pending while it is performed, failed (with what it made) after. */
interface ClaimData {
  claim: 'pending' | 'failed'
  key: string
  since: number
  partial: MadeEarlier
}

export const SENTENCES = {
  flowNotFound: {
    fr: 'Aucun parcours publié ne porte ce nom. Rechargez la liste des parcours.',
    en: 'No published flow has this name. Reload the list of flows.',
  },
  customerNotFound: {
    fr: 'Ce client est introuvable. Vérifiez le numéro du client.',
    en: 'This customer cannot be found. Check the customer number.',
  },
  doesNotFit: {
    fr: 'Ce parcours ne s’applique pas à ce client (il lui manque un abonnement, un emplacement ou un modem, ou c’est un parcours pour les nouveaux clients).',
    en: 'This flow does not apply to this customer (no subscription, location or modem, or it is a flow for new customers).',
  },
  runNotFound: {
    fr: 'Ce parcours est introuvable. Il a peut-être été supprimé ; recommencez-le depuis la fiche du client.',
    en: 'This flow run cannot be found. It may have been deleted; start again from the customer’s file.',
  },
  unreadable: {
    fr: 'La définition de ce parcours est illisible : signalez-le à un administrateur.',
    en: 'This flow’s definition cannot be read: report it to an administrator.',
  },
  moved: {
    fr: 'Le parcours a déjà changé d’étape (un autre onglet ou un collègue ?) : il a été rechargé, reprenez là où il en est.',
    en: 'The flow has already moved to another step (another tab or a colleague?): it was reloaded, go on from where it is.',
  },
  changed: {
    fr: 'Ce parcours a été modifié ailleurs entre-temps : il a été rechargé, reprenez là où il en est.',
    en: 'This flow run was changed elsewhere meanwhile: it was reloaded, go on from where it is.',
  },
  completed: { fr: 'Ce parcours est terminé.', en: 'This flow run has ended.' },
  abandoned: {
    fr: 'Ce parcours a été abandonné (quitté ou resté inactif trop longtemps) : recommencez-le depuis la fiche du client.',
    en: 'This flow run was abandoned (left, or idle too long): start it again from the customer’s file.',
  },
  inProgress: {
    fr: 'Cette action est déjà en cours (un autre onglet ou un collègue). Patientez un instant, puis réessayez.',
    en: 'This action is already under way (another tab or a colleague). Wait a moment, then try again.',
  },
} satisfies Record<string, Sentence>

/** ERPNext refused a write because the run changed since it was read. */
class RunChanged extends Error {}

const claimDataOf = (row: EventRow): ClaimData | null => {
  const d = parseData(row) as Partial<ClaimData> | undefined
  return row.kind === 'act' && d && (d.claim === 'pending' || d.claim === 'failed') ? (d as ClaimData) : null
}

const isClaimRow = (row: EventRow, step: string) => row.step === step && claimDataOf(row) !== null

/** The result an action of this step already produced (the first one on record), if any. */
export function actDone(rows: readonly EventRow[], step: string): ActResult | null {
  for (const row of rows) {
    if (row.step !== step || row.kind !== 'act') continue
    const data = parseData(row) as Partial<ActResult> | undefined
    if (data && typeof data.doctype === 'string' && typeof data.summary === 'object') return data as ActResult
  }
  return null
}

export class FlowRunner {
  private readonly chains = new Map<string, Promise<unknown>>()

  constructor(
    private readonly services: FlowServices,
    private readonly store: FlowStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `task` after every earlier task of the same run, in this process. */
  serialized<T>(run: string, task: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(run) ?? Promise.resolve()
    const next = previous.then(task, task)
    this.chains.set(run, next)
    const forget = () => {
      if (this.chains.get(run) === next) this.chains.delete(run)
    }
    next.then(forget, forget)
    return next
  }

  async view(run: StoredRun, flow?: StoredFlow | null, failure?: Failure): Promise<RunView> {
    const pinned = flow ?? (await this.store.pinned(run.doc.flow))
    if (!pinned?.definition) throw new Refusal(409, 'FLOW_UNREADABLE', SENTENCES.unreadable)
    return {
      name: run.doc.name,
      customer: run.doc.customer ?? null,
      agent: run.doc.agent ?? '',
      state: run.state,
      definition: pinned.definition,
      events: run.rows.filter((r) => claimDataOf(r) === null).map(recordOf),
      ...(failure ? { failure } : {}),
    }
  }

  async get(name: string): Promise<RunView> {
    const run = await loadRun(this.services.erp, name)
    if (!run) throw new Refusal(404, 'RUN_NOT_FOUND', SENTENCES.runNotFound)
    return this.view(run)
  }

  async start(actor: Actor, key: string, customerName: string | null): Promise<RunView> {
    const flow = await this.store.latestPublished(key)
    const def = flow?.definition
    if (!flow || !def) throw new Refusal(404, 'FLOW_NOT_FOUND', SENTENCES.flowNotFound)
    const customer = customerName ? await loadFlowCustomer(this.services.erp, customerName) : null
    if (customerName && !customer) throw new Refusal(404, 'CUSTOMER_NOT_FOUND', SENTENCES.customerNotFound)
    if (!fitsCustomer(def, customer)) throw new Refusal(403, 'FLOW_DOES_NOT_FIT', SENTENCES.doesNotFit)
    const now = this.now()
    const first = startRun(def, flow.name, customer, now, '')
    if (!first.ok) throw new Refusal(409, 'FLOW_UNREADABLE', SENTENCES.unreadable)
    const doc = await this.services.erp.insert<AgentFlowRunDoc>(RUN, {
      flow: flow.name,
      ...(customer ? { customer: customer.name } : {}),
      agent: actor.user.email,
      status: 'In Progress',
      started_at: toFrappeDatetime(new Date(now)),
      current_step: first.state.current,
      context: JSON.stringify(first.state),
      events: [],
    })
    const run = readRun(doc)
    if (!run) throw new Error(`run ${doc.name} was stored unreadable`)
    if (!first.effect) return this.view(run, flow)
    return this.serialized(run.doc.name, () => this.proceed(actor, run, flow, def, first, run.rows))
  }

  /** Applies one event of the rep to a run; answers the run as it now is. */
  apply(actor: Actor, name: string, event: FlowEvent, expect?: string): Promise<RunView> {
    return this.serialized(name, async () => {
      const run = await loadRun(this.services.erp, name)
      if (!run) throw new Refusal(404, 'RUN_NOT_FOUND', SENTENCES.runNotFound)
      const flow = await this.store.pinned(run.doc.flow)
      const def = flow?.definition
      if (!flow || !def) throw new Refusal(409, 'FLOW_UNREADABLE', SENTENCES.unreadable)
      const state = run.state

      const aimed = event.type === 'abandon' ? expect : event.step
      if ((aimed !== undefined && aimed !== state.current) || (expect !== undefined && expect !== state.current)) {
        // A second click on a step already passed (an action already done, a Suivant twice): the
        // first one did it; show where the run is.
        const target = event.type === 'abandon' ? undefined : event.step
        if (
          event.type === 'submit' &&
          target !== undefined &&
          (actDone(run.rows, target) !== null || state.history.includes(target))
        )
          return this.view(run, flow)
        throw new Refusal(409, 'RUN_MOVED', SENTENCES.moved)
      }
      if (state.status !== 'In Progress') {
        if (event.type === 'abandon' && state.status === 'Abandoned') return this.view(run, flow)
        throw new Refusal(409, 'RUN_ENDED', state.status === 'Abandoned' ? SENTENCES.abandoned : SENTENCES.completed)
      }

      const moved = advance(def, state, event, this.now(), name)
      if (!moved.ok) throw refusedBy(moved.problems)
      if (moved.effect?.type === 'act') return this.act(actor, run, flow, def, moved.effect)
      return this.proceed(actor, run, flow, def, moved, run.rows)
    })
  }

  private performer(actor: Actor, run: StoredRun, def: FlowDefinition, state: RunState, step: string): Performer {
    return {
      user: actor.user,
      requestId: actor.requestId,
      run: run.doc.name,
      step,
      flowTitle: def.title,
      customer: state.context.customer,
      idempotencyKey: `${run.doc.name}:${step}`,
      now: this.now(),
    }
  }

  private async save(run: StoredRun, state: RunState, rows: EventRow[]): Promise<StoredRun> {
    const customer = state.context.customer?.name
    const extra = customer && customer !== run.doc.customer ? { customer } : {}
    try {
      return await saveRun(this.services.erp, run, state, rows, this.now(), extra)
    } catch (err) {
      if (err instanceof ErpRefused && err.excType === 'TimestampMismatchError') throw new RunChanged()
      throw err
    }
  }

  private async saveOrRefuse(run: StoredRun, state: RunState, rows: EventRow[]): Promise<StoredRun> {
    try {
      return await this.save(run, state, rows)
    } catch (err) {
      if (err instanceof RunChanged) throw new Refusal(409, 'RUN_CHANGED', SENTENCES.changed)
      throw err
    }
  }

  /**
   * Records a move and performs the checks it leads to, one after the other (a check landing on a
   * check), then writes the run. A failed check leaves the run on that step with its sentence.
   */
  private async proceed(
    actor: Actor,
    run: StoredRun,
    flow: StoredFlow,
    def: FlowDefinition,
    moved: Moved,
    baseRows: readonly EventRow[],
  ): Promise<RunView> {
    const rows = [...baseRows]
    if (moved.record) rows.push(rowOf(moved.record))
    let state = moved.state
    let effect: Effect | undefined = moved.effect
    let failure: Failure | undefined
    for (let n = 0; effect?.type === 'check' && n < MAX_CHECKS; n++) {
      const step = effect.step
      let result
      try {
        result = await runCheck(
          this.services,
          this.performer(actor, run, def, state, step),
          effect.check,
          effect.params,
        )
      } catch (err) {
        failure = failureView(step, err)
        break
      }
      const next = advance(def, state, { type: 'result', step, value: result }, this.now(), run.doc.name)
      if (!next.ok) {
        failure = { step, message: next.problems[0].message, retryable: false }
        break
      }
      state = next.state
      if (next.record) rows.push(rowOf(next.record))
      effect = next.effect
    }
    const saved = await this.saveOrRefuse(run, state, rows)
    return this.view(saved, flow, failure)
  }

  /** Performs the action of an `act` step once: reuses a result on record, claims, acts, records. */
  private async act(
    actor: Actor,
    run: StoredRun,
    flow: StoredFlow,
    def: FlowDefinition,
    effect: Extract<Effect, { type: 'act' }>,
  ): Promise<RunView> {
    const { step, action } = effect
    const spec = ACTION_SPECS[action]
    if (!hasAny(actor.user, spec.capabilities)) {
      this.journal(actor, run, step, action, 'refused', 403, 'missing capability')
      throw new Refusal(403, 'FLOW_ACTION_FORBIDDEN', missingCapability(spec).sentence)
    }
    const done = actDone(run.rows, step)
    if (done) return this.recordResult(actor, run, flow, def, step, done)

    const claimRow = run.rows.find((r) => r.step === step && claimDataOf(r))
    const claim = claimRow ? claimDataOf(claimRow) : null
    const now = this.now()
    if (claim?.claim === 'pending' && now - claim.since < CLAIM_STALE_MS)
      return this.view(run, flow, { step, message: SENTENCES.inProgress, retryable: true })

    const partial: MadeEarlier = { ...(claim?.partial ?? {}) }
    const claiming: ClaimData = { claim: 'pending', key: effect.idempotencyKey, since: now, partial }
    const others = run.rows.filter((r) => !isClaimRow(r, step))
    const claimed = await this.saveOrRefuse(run, run.state, [...others, claimLine(step, claiming, now)])

    let result: ActResult
    try {
      result = await runAction(
        this.services,
        { ...this.performer(actor, claimed, def, claimed.state, step), partial },
        action,
        effect.params,
      )
    } catch (err) {
      const failure = failureView(step, err)
      // Names only in the journal: the sentence may hold a customer's number.
      this.journal(
        actor,
        run,
        step,
        action,
        'failed',
        failure.retryable ? 502 : 409,
        failure.retryable ? 'retryable' : 'final',
      )
      const released = await this.rewrite(claimed, (current) => {
        const rows = current.rows.filter((r) => !isClaimRow(r, step))
        const failed: ClaimData = { ...claiming, claim: 'failed', partial }
        return { state: current.state, rows: [...rows, claimLine(step, failed, this.now())] }
      })
      return this.view(released, flow, failure)
    }
    return this.recordResult(actor, claimed, flow, def, step, result)
  }

  /** Puts an action's result on the run and moves on (reloading when the run changed meanwhile). */
  private async recordResult(
    actor: Actor,
    run: StoredRun,
    flow: StoredFlow,
    def: FlowDefinition,
    step: string,
    result: ActResult,
  ): Promise<RunView> {
    let current = run
    for (let attempt = 1; ; attempt++) {
      const rows = current.rows.filter((r) => !isClaimRow(r, step))
      try {
        if (current.state.status === 'In Progress' && current.state.current === step) {
          const moved = advance(
            def,
            current.state,
            { type: 'result', step, value: result },
            this.now(),
            current.doc.name,
          )
          if (!moved.ok) throw refusedBy(moved.problems)
          return await this.proceedOrChanged(actor, current, flow, def, moved, rows)
        }
        // The run moved on elsewhere meanwhile: the document made is still put on record.
        const line = rowOf({
          step,
          kind: 'act',
          at: this.now(),
          durationMs: 0,
          data: result,
          ...(result.skipped ? {} : { reference: { doctype: result.doctype, name: result.name } }),
        })
        const saved = await this.save(current, current.state, [...rows, line])
        return this.view(saved, flow)
      } catch (err) {
        if (!(err instanceof RunChanged) || attempt >= RECORD_ATTEMPTS) {
          if (err instanceof RunChanged) throw new Refusal(409, 'RUN_CHANGED', SENTENCES.changed)
          throw err
        }
        const reloaded = await loadRun(this.services.erp, current.doc.name)
        if (!reloaded) throw new Refusal(404, 'RUN_NOT_FOUND', SENTENCES.runNotFound)
        current = reloaded
      }
    }
  }

  /** proceed(), letting a stale write surface as RunChanged so the caller can reload and redo. */
  private async proceedOrChanged(
    actor: Actor,
    run: StoredRun,
    flow: StoredFlow,
    def: FlowDefinition,
    moved: Moved,
    rows: readonly EventRow[],
  ): Promise<RunView> {
    try {
      return await this.proceed(actor, run, flow, def, moved, rows)
    } catch (err) {
      if (err instanceof Refusal && err.code === 'RUN_CHANGED') throw new RunChanged()
      throw err
    }
  }

  /** Rewrites the run's log, reloading and rewriting when someone wrote it meanwhile. */
  private async rewrite(
    run: StoredRun,
    change: (current: StoredRun) => { state: RunState; rows: EventRow[] },
  ): Promise<StoredRun> {
    let current = run
    for (let attempt = 1; ; attempt++) {
      const { state, rows } = change(current)
      try {
        return await this.save(current, state, rows)
      } catch (err) {
        if (!(err instanceof RunChanged) || attempt >= RECORD_ATTEMPTS) throw err
        const reloaded = await loadRun(this.services.erp, current.doc.name)
        if (!reloaded) throw new Refusal(404, 'RUN_NOT_FOUND', SENTENCES.runNotFound)
        current = reloaded
      }
    }
  }

  private journal(
    actor: Actor,
    run: StoredRun,
    step: string,
    action: string,
    outcome: 'refused' | 'failed',
    status: number,
    why: string,
  ) {
    this.services.audit.record({
      requestId: actor.requestId,
      actor: actor.user.email,
      action: 'flow.act',
      target: `${RUN}/${run.doc.name}`,
      outcome,
      status,
      detail: `${run.doc.name}:${step} (${action}): ${why}`,
    })
  }
}

function claimLine(step: string, data: ClaimData, now: number): EventRow {
  return {
    step,
    kind: 'act',
    at: toFrappeDatetime(new Date(now)),
    duration_ms: 0,
    data: JSON.stringify(data),
  }
}

function failureView(step: string, err: unknown): Failure {
  const failed =
    err instanceof OperationFailed
      ? err
      : new OperationFailed(
          {
            fr: 'Une erreur inattendue est survenue. Réessayez ; ce que vous avez noté est gardé.',
            en: 'An unexpected error occurred. Try again; what you noted is kept.',
          },
          true,
        )
  return { step, message: failed.sentence, retryable: failed.retryable }
}

/** The interpreter said no: a form's fields (422, each problem naming its field) or a sentence (409). */
export class FlowProblems extends Refusal {
  constructor(readonly problems: FlowProblem[]) {
    super(422, 'INVALID_VALUES', {
      fr: problems.map((p) => p.message.fr).join(' '),
      en: problems.map((p) => p.message.en).join(' '),
    })
  }
}

function refusedBy(problems: FlowProblem[]): Refusal {
  if (problems.some((p) => p.path?.startsWith('fields.'))) return new FlowProblems(problems)
  return new Refusal(409, 'FLOW_REFUSED', problems[0]?.message ?? SENTENCES.moved)
}
