/**
 * Parcours (agent flows): a guided call script defined as data. A definition is a JSON document
 * (checked by flowSchema.ts and flowGraph.ts); a run is the interpreter's state (interpreter.ts),
 * stored in an Agent Flow Run. The SPA, the BFF and the admin's preview share these shapes.
 *
 * Everything a definition can say:
 * - `say`   a script to read; `{customer.customer_name}`-style placeholders are filled from the context.
 * - `ask`   a question with options; each option names the step it leads to. The answer is stored
 *           as `values.<step id>` (the option's value).
 * - `form`  typed fields; stored as `values.<step id>.<field name>`.
 * - `check` a lookup run by the BFF with the rep's capabilities; its result is `values.<step id>`.
 * - `act`   an action run by the BFF once per run and step (idempotency key `run:step`); its
 *           result (the document it created) is `values.<step id>`.
 * - `end`   an outcome.
 * Branches (`next` as a list) are JSON Logic rules over `{ customer, values }`: the first rule that
 * holds wins, an entry without `when` is the default.
 */

export interface Localized {
  fr: string
  en: string
}

export const FLOW_OUTCOMES = ['resolved', 'technician-booked', 'escalated', 'sold', 'cancelled'] as const
export type FlowOutcome = (typeof FLOW_OUTCOMES)[number]

export const STEP_KINDS = ['say', 'ask', 'form', 'check', 'act', 'end'] as const
export type StepKind = (typeof STEP_KINDS)[number]

export const FIELD_TYPES = ['text', 'phone', 'email', 'address', 'date', 'number', 'select'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

export const CHECKS = ['diagnose', 'address-served', 'open-tickets', 'balance-due'] as const
export type CheckKind = (typeof CHECKS)[number]

export const ACTIONS = [
  'open-ticket',
  'book-technician',
  'send-sms',
  'create-customer',
  'create-location',
  'close-location',
  'change-plan',
  'cancel-service',
  'add-note',
] as const
export type ActionKind = (typeof ACTIONS)[number]

/** What a flow needs to fit a customer (the Parcours menu lists only flows that fit). */
export const FLOW_REQUIREMENTS = ['ont', 'active-subscription', 'location'] as const
export type FlowRequirement = (typeof FLOW_REQUIREMENTS)[number]

/** A JSON Logic rule (https://jsonlogic.com), e.g. `{"==": [{"var": "values.diag.status"}, "los"]}`. */
export type JsonLogicRule = Record<string, unknown>

/** Where a step goes next: one step id, or the first branch whose rule holds (no `when` = default). */
export type Transition = string | readonly Branch[]
export interface Branch {
  when?: JsonLogicRule
  goto: string
}

/**
 * A parameter of a check or an action: a string is a template (`"{values.contact.phone}"`), an
 * object `{ "var": "values.address" }` passes the raw value (an address object, a number), a
 * `{ "fr", "en" }` pair is a template in the customer's language.
 */
export type Param = string | number | boolean | { var: string } | Localized

interface StepBase {
  id: string
  /** Short name of the step, shown in the progress list and the drawing. */
  title: Localized
}
export interface SayStep extends StepBase {
  kind: 'say'
  text: Localized
  next: Transition
}
export interface AskOption {
  value: string
  label: Localized
  goto: string
}
export interface AskStep extends StepBase {
  kind: 'ask'
  question: Localized
  options: readonly AskOption[]
}
export interface FormField {
  name: string
  type: FieldType
  label: Localized
  required?: boolean
  /** select: the choices. */
  options?: readonly { value: string; label: Localized }[]
  /** number: bounds. */
  min?: number
  max?: number
  /** A template giving the initial value, e.g. "{customer.mobile_no}". */
  default?: string
  help?: Localized
}
export interface FormStep extends StepBase {
  kind: 'form'
  text?: Localized
  fields: readonly FormField[]
  next: Transition
}
export interface CheckStep extends StepBase {
  kind: 'check'
  check: CheckKind
  params?: Readonly<Record<string, Param>>
  next: Transition
}
export interface ActStep extends StepBase {
  kind: 'act'
  action: ActionKind
  params?: Readonly<Record<string, Param>>
  /** What the rep reads before confirming (placeholders allowed). */
  text?: Localized
  next: Transition
}
export interface EndStep extends StepBase {
  kind: 'end'
  outcome: FlowOutcome
  text?: Localized
}
export type FlowStep = SayStep | AskStep | FormStep | CheckStep | ActStep | EndStep

export interface FlowDefinition {
  key: string
  version: number
  title: Localized
  description?: Localized
  /** `customer`: started from a customer's page; `prospect`: from Clients → Nouveau client. */
  audience: 'customer' | 'prospect'
  requires?: readonly FlowRequirement[]
  start: string
  steps: readonly FlowStep[]
}

/** An address as a form gathers it and actions use it. */
export interface AddressValue {
  line: string
  city: string
  postalCode: string
}

/** What is known of the customer when the run starts (or once `create-customer` made one). */
export interface FlowCustomer {
  name: string
  customer_name: string
  mobile_no?: string
  email_id?: string
  language?: 'fr' | 'en'
  /** The primary (first active) service location. */
  location?: string
  address?: string
  city?: string
  postal_code?: string
  /** Plan of the active subscription at that location. */
  plan?: string
  subscription?: string
  /** Serial of the ONT at that location. */
  ont?: string
}

export interface FlowContext {
  customer: FlowCustomer | null
  values: Record<string, unknown>
}

// ---- Results of checks and actions (what `values.<step>` holds) ----------------------------

export type DiagnoseStatus = 'online' | 'offline' | 'los' | 'weak-fiber' | 'no-device' | 'timeout'
export interface DiagnoseResult {
  status: DiagnoseStatus
  serial?: string
  rxDbm?: number
  /** Wi-Fi clients seen, and mesh nodes offline or on a weak backhaul. */
  wifiClients?: number
  meshWeak?: number
  summary: Localized
}
export interface AddressServedResult {
  served: boolean
  city: string
  postalCode: string
  summary: Localized
}
export interface OpenTicketsResult {
  count: number
  subjects: string[]
  summary: Localized
}
export interface BalanceDueResult {
  amount: number
  overdue: number
  summary: Localized
}
export type CheckResult = DiagnoseResult | AddressServedResult | OpenTicketsResult | BalanceDueResult

export interface ActResult {
  doctype: string
  name: string
  /** A sentence for the rep ("Billet ISS-2026-00012 ouvert."). */
  summary: Localized
  /** create-customer: the new customer, which becomes the run's customer. */
  customer?: FlowCustomer
  /** send-sms skipped (the customer refuses texts): nothing created. */
  skipped?: boolean
}

// ---- The run --------------------------------------------------------------------------------

export type RunStatus = 'In Progress' | 'Completed' | 'Abandoned'

export interface RunState {
  /** The Agent Flow document the run is pinned to (FLOW-<key>-v<version>). */
  flow: string
  key: string
  version: number
  status: RunStatus
  outcome?: FlowOutcome
  /** The step on screen. */
  current: string
  /** Steps passed to reach it, oldest first (Back pops it). */
  history: string[]
  context: FlowContext
  /** When the current step appeared (ms since epoch), for time spent per step. */
  stepStartedAt: number
}

/** What the rep (or the BFF, with a check's or an action's answer) tells the interpreter. */
export type FlowEvent =
  | { type: 'submit'; step: string; value?: unknown }
  | { type: 'result'; step: string; value: unknown }
  | { type: 'back'; step: string }
  | { type: 'abandon' }

/** Work the interpreter asks for before it can move on; the answer comes back as a `result`. */
export type Effect =
  | { type: 'check'; step: string; check: CheckKind; params: Record<string, unknown> }
  | { type: 'act'; step: string; action: ActionKind; params: Record<string, unknown>; idempotencyKey: string }

/** One line of the run's log (an Agent Flow Run Event). */
export interface StepRecord {
  step: string
  kind: StepKind | 'back' | 'abandon'
  at: number
  durationMs: number
  data?: unknown
  reference?: { doctype: string; name: string }
}

export interface FlowProblem {
  /** The step concerned, when there is one. */
  step?: string
  /** The field or part, e.g. `fields.phone`, `next[1].goto`, `/steps/3/kind`. */
  path?: string
  message: Localized
}

export type Advance =
  { ok: true; state: RunState; effect?: Effect; record?: StepRecord } | { ok: false; problems: FlowProblem[] }

// ---- BFF answers ----------------------------------------------------------------------------

/** A flow as the Parcours menu lists it. */
export interface FlowSummary {
  key: string
  version: number
  flow: string
  title: Localized
  description?: Localized
  audience: 'customer' | 'prospect'
}

/** GET/POST /ops/api/flows/runs/:name — the run, its pinned definition and its log. */
export interface RunView {
  name: string
  customer: string | null
  agent: string
  state: RunState
  definition: FlowDefinition
  events: StepRecord[]
  /** A failed check or action: the sentence, with everything gathered kept; retry sends the same event. */
  failure?: { step: string; message: Localized; retryable: boolean }
}

/** GET /ops/api/flows/stats?key= */
export interface FlowStats {
  key: string
  runs: number
  completed: number
  abandoned: number
  inProgress: number
  /** completed / (completed + abandoned), 0 when none ended. */
  completionRate: number
  /** Median of ended_at − started_at over completed runs, ms; null when none. */
  medianDurationMs: number | null
  outcomes: Record<string, number>
  /** Abandoned runs by the step they stopped on, most first. */
  abandonedAt: { step: string; count: number }[]
  tookMs: number
}

/** The Agent Flow document as the admin's list shows it. */
export interface FlowVersionView {
  name: string
  key: string
  version: number
  status: 'Draft' | 'Published' | 'Archived'
  title: Localized
  modified?: string
  definition: FlowDefinition | null
  /** Set when the stored definition no longer passes validation. */
  problems?: FlowProblem[]
}
