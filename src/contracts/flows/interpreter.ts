/**
 * The one interpreter of Parcours, shared by the BFF (which runs flows for real), the SPA (which
 * shows where the rep is and what comes next) and the admin's preview (which runs a draft with
 * simulated checks and actions). Pure: given a definition, a run's state and an event, it answers
 * the next state, the log line of the step just left, and the work (a check or an action) that
 * must be done before the run can move on. It never performs anything itself.
 */
import jsonLogic from 'json-logic-js'
import { normalizePhone } from '../searchKeys'
import { dateFormat } from '../intl'
import type {
  ActResult,
  AddressValue,
  Advance,
  Effect,
  FlowContext,
  FlowCustomer,
  FlowDefinition,
  FlowEvent,
  FlowProblem,
  FlowStep,
  FormField,
  FormStep,
  Localized,
  Param,
  RunState,
  StepRecord,
  Transition,
} from './types'

export function stepOf(def: FlowDefinition, id: string): FlowStep | undefined {
  return def.steps.find((s) => s.id === id)
}

/** The value at a dotted path (`values.contact.phone`) of the context, or undefined. */
export function valueAt(context: FlowContext, path: string): unknown {
  let here: unknown = context
  for (const part of path.split('.')) {
    if (here === null || typeof here !== 'object') return undefined
    here = (here as Record<string, unknown>)[part]
  }
  return here
}

const PLACEHOLDER = /\{([A-Za-z_][\w-]*(?:\.[\w-]+)*)\}/g

const SITE_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$/

/**
 * A date ("2026-12-08") or a site datetime ("2026-12-08 07:00:00") as a person reads it in that
 * language ("mardi 8 décembre à 07 h 00"). The value is already the site's wall-clock time, so it
 * is formatted as such, without any time-zone conversion.
 */
export function readableDate(text: string, locale: 'fr' | 'en'): string | null {
  const m = SITE_DATE.exec(text)
  if (!m) return null
  const [, y, mo, d, h, mi] = m
  const at = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0)))
  if (Number.isNaN(at.getTime()) || at.getUTCDate() !== Number(d)) return null
  const tag = locale === 'en' ? 'en-CA' : 'fr-CA'
  const day = dateFormat(tag, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(at)
  if (h === undefined) return day
  const time = dateFormat(tag, { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' }).format(at)
  return locale === 'en' ? `${day} at ${time}` : `${day} à ${time}`
}

const asText = (value: unknown, locale?: 'fr' | 'en'): string => {
  if (value === undefined || value === null) return ''
  if (typeof value === 'object') {
    const address = value as Partial<AddressValue>
    if (typeof address.line === 'string')
      return [address.line, address.city, address.postalCode].filter(Boolean).join(', ')
    return ''
  }
  if (locale && typeof value === 'string') return readableDate(value, locale) ?? value
  return String(value)
}

/**
 * `{customer.customer_name}`, `{values.contact.phone}` filled from the context; unknown → empty.
 * With a language, dates read as words in it (a text for a person); without, values stay as they
 * are (a form's initial value, an action's parameter).
 */
export function fillTemplate(text: string, context: FlowContext, locale?: 'fr' | 'en'): string {
  return text.replace(PLACEHOLDER, (_, path: string) => asText(valueAt(context, path), locale))
}

/** The placeholders a text uses (for the validator). */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1])
}

export function localizedText(text: Localized | undefined, context: FlowContext, locale: 'fr' | 'en'): string {
  if (!text) return ''
  return fillTemplate(text[locale] || text.fr, context, locale)
}

const isLocalized = (p: unknown): p is Localized =>
  !!p && typeof p === 'object' && typeof (p as Localized).fr === 'string' && typeof (p as Localized).en === 'string'

export function resolveParam(param: Param, context: FlowContext): unknown {
  if (typeof param === 'string') return fillTemplate(param, context)
  if (typeof param !== 'object' || param === null) return param
  if ('var' in param) return valueAt(context, param.var)
  if (isLocalized(param)) return localizedText(param, context, context.customer?.language === 'en' ? 'en' : 'fr')
  return undefined
}

export function resolveParams(params: Readonly<Record<string, Param>> | undefined, context: FlowContext) {
  const out: Record<string, unknown> = {}
  for (const [k, p] of Object.entries(params ?? {})) out[k] = resolveParam(p, context)
  return out
}

/** The data JSON Logic rules see. */
const logicData = (context: FlowContext) => ({ customer: context.customer ?? {}, values: context.values })

export function evaluateTransition(t: Transition, context: FlowContext): string | null {
  if (typeof t === 'string') return t
  for (const branch of t) {
    if (!branch.when) return branch.goto
    if (jsonLogic.truthy(jsonLogic.apply(branch.when as jsonLogic.RulesLogic, logicData(context)))) return branch.goto
  }
  return null
}

// ---- Form fields ---------------------------------------------------------------------------

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
/** Canadian postal code: A1A 1A1 (no D, F, I, O, Q, U; no W or Z first). */
const POSTAL = /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i

const problem = (step: string, field: string, fr: string, en: string): FlowProblem => ({
  step,
  path: `fields.${field}`,
  message: { fr, en },
})

const isBlank = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && v.trim() === '') ||
  (typeof v === 'number' && Number.isNaN(v))

function fieldProblem(stepId: string, field: FormField, value: unknown): FlowProblem | null {
  const name = field.name
  const label = field.label
  if (field.type === 'address') {
    const a = (value ?? {}) as Partial<AddressValue>
    const empty = isBlank(a.line) && isBlank(a.city) && isBlank(a.postalCode)
    if (empty) {
      return field.required ? problem(stepId, name, `« ${label.fr} » est requis.`, `“${label.en}” is required.`) : null
    }
    if (isBlank(a.line) || isBlank(a.city))
      return problem(stepId, name, 'Indiquez l’adresse et la ville.', 'Enter the street address and the city.')
    if (typeof a.postalCode !== 'string' || !POSTAL.test(a.postalCode.trim()))
      return problem(stepId, name, 'Code postal invalide (ex. : H2X 1Y4).', 'Invalid postal code (e.g. H2X 1Y4).')
    return null
  }
  if (isBlank(value)) {
    return field.required ? problem(stepId, name, `« ${label.fr} » est requis.`, `“${label.en}” is required.`) : null
  }
  switch (field.type) {
    case 'phone': {
      const digits = normalizePhone(String(value))
      return digits.length === 10
        ? null
        : problem(stepId, name, 'Numéro de téléphone invalide : 10 chiffres.', 'Invalid phone number: 10 digits.')
    }
    case 'email':
      return EMAIL.test(String(value).trim())
        ? null
        : problem(stepId, name, 'Adresse courriel invalide.', 'Invalid e-mail address.')
    case 'date': {
      const text = String(value)
      const ok = DATE.test(text) && !Number.isNaN(Date.parse(`${text}T12:00:00Z`))
      return ok ? null : problem(stepId, name, 'Date invalide (AAAA-MM-JJ).', 'Invalid date (YYYY-MM-DD).')
    }
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).replace(',', '.'))
      if (!Number.isFinite(n)) return problem(stepId, name, 'Entrez un nombre.', 'Enter a number.')
      if (field.min !== undefined && n < field.min)
        return problem(stepId, name, `Au moins ${field.min}.`, `At least ${field.min}.`)
      if (field.max !== undefined && n > field.max)
        return problem(stepId, name, `Au plus ${field.max}.`, `At most ${field.max}.`)
      return null
    }
    case 'select':
      return (field.options ?? []).some((o) => o.value === value)
        ? null
        : problem(stepId, name, 'Choisissez une des options.', 'Pick one of the options.')
    case 'text':
      return String(value).length > 2000
        ? problem(stepId, name, 'Au plus 2 000 caractères.', 'At most 2,000 characters.')
        : null
  }
}

/** Every problem with a form's values, each naming its field. */
export function fieldProblems(step: FormStep, value: unknown): FlowProblem[] {
  const values = value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  return step.fields.flatMap((f) => {
    const p = fieldProblem(step.id, f, values[f.name])
    return p ? [p] : []
  })
}

/** The form's values as they are kept: numbers as numbers, text trimmed, unknown fields dropped. */
function cleanForm(step: FormStep, value: unknown): Record<string, unknown> {
  const values = value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  const out: Record<string, unknown> = {}
  for (const f of step.fields) {
    const v = values[f.name]
    if (isBlank(v) && f.type !== 'address') continue
    if (f.type === 'number') out[f.name] = typeof v === 'number' ? v : Number(String(v).replace(',', '.'))
    else if (f.type === 'address') {
      const a = (v ?? {}) as Partial<AddressValue>
      if (isBlank(a.line) && isBlank(a.city) && isBlank(a.postalCode)) continue
      out[f.name] = {
        line: String(a.line ?? '').trim(),
        city: String(a.city ?? '').trim(),
        postalCode: String(a.postalCode ?? '')
          .trim()
          .toUpperCase()
          .replace(/^(\w{3})\s*(\w{3})$/, '$1 $2'),
      }
    } else out[f.name] = typeof v === 'string' ? v.trim() : v
  }
  return out
}

/** The initial value of each field: what was gathered before (Back keeps it), else its default. */
export function formInitialValues(step: FormStep, context: FlowContext): Record<string, unknown> {
  const before = (context.values[step.id] ?? {}) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const f of step.fields) {
    if (before[f.name] !== undefined) out[f.name] = before[f.name]
    else if (f.default !== undefined) out[f.name] = fillTemplate(f.default, context)
  }
  return out
}

// ---- Fitting a customer --------------------------------------------------------------------

export function fitsCustomer(def: FlowDefinition, customer: FlowCustomer | null): boolean {
  if (def.audience === 'prospect') return customer === null
  if (!customer) return false
  return (def.requires ?? []).every((r) =>
    r === 'ont' ? !!customer.ont : r === 'location' ? !!customer.location : !!customer.subscription,
  )
}

// ---- Running --------------------------------------------------------------------------------

const refuse = (step: string | undefined, fr: string, en: string): Advance => ({
  ok: false,
  problems: [{ step, message: { fr, en } }],
})

const record = (
  state: RunState,
  step: FlowStep,
  now: number,
  data?: unknown,
  kind?: StepRecord['kind'],
): StepRecord => ({
  step: step.id,
  kind: kind ?? step.kind,
  at: now,
  durationMs: Math.max(0, now - state.stepStartedAt),
  data,
})

const effectFor = (def: FlowDefinition, state: RunState): Effect | undefined => {
  const step = stepOf(def, state.current)
  if (step?.kind === 'check')
    return { type: 'check', step: step.id, check: step.check, params: resolveParams(step.params, state.context) }
  return undefined
}

/** Moves to `to` (pushing the current step on the history); an `end` closes the run. */
function moveTo(def: FlowDefinition, state: RunState, to: string, now: number): RunState | null {
  const target = stepOf(def, to)
  if (!target) return null
  const next: RunState = {
    ...state,
    current: to,
    history: [...state.history, state.current],
    stepStartedAt: now,
  }
  if (target.kind === 'end') {
    next.status = 'Completed'
    next.outcome = target.outcome
  }
  return next
}

const withValue = (state: RunState, step: string, value: unknown): RunState => ({
  ...state,
  context: { ...state.context, values: { ...state.context.values, [step]: value } },
})

export function startRun(
  def: FlowDefinition,
  flowDoc: string,
  customer: FlowCustomer | null,
  now: number,
  _runName: string,
): Advance {
  if (!stepOf(def, def.start))
    return refuse(def.start, 'Ce parcours n’a pas de première étape.', 'This flow has no first step.')
  const state: RunState = {
    flow: flowDoc,
    key: def.key,
    version: def.version,
    status: 'In Progress',
    current: def.start,
    history: [],
    context: { customer, values: {} },
    stepStartedAt: now,
  }
  return { ok: true, state, effect: effectFor(def, state) }
}

/** Where `submit` on the current step would lead now, for "Ensuite : …" (null when it depends on an answer). */
export function nextStepOf(def: FlowDefinition, state: RunState): string | null {
  const step = stepOf(def, state.current)
  if (!step || step.kind === 'end' || step.kind === 'ask') return null
  if (step.kind === 'check' || step.kind === 'act') {
    // Depends on the result when it branches.
    if (typeof step.next !== 'string') return null
  }
  return evaluateTransition(step.next, state.context)
}

export function advance(def: FlowDefinition, state: RunState, event: FlowEvent, now: number, runName: string): Advance {
  if (state.status !== 'In Progress') return refuse(state.current, 'Ce parcours est terminé.', 'This flow has ended.')
  const step = stepOf(def, state.current)
  if (!step) return refuse(state.current, 'Étape inconnue dans ce parcours.', 'Unknown step in this flow.')

  if (event.type === 'abandon') {
    return {
      ok: true,
      state: { ...state, status: 'Abandoned' },
      record: record(state, step, now, undefined, 'abandon'),
    }
  }
  if (event.step !== step.id)
    return refuse(
      step.id,
      'Le parcours a déjà changé d’étape : rechargez pour voir où il en est.',
      'The flow has moved to another step: reload to see where it is.',
    )

  if (event.type === 'back') {
    const previous = state.history[state.history.length - 1]
    if (previous === undefined) return refuse(step.id, 'Vous êtes à la première étape.', 'This is the first step.')
    return {
      ok: true,
      state: { ...state, current: previous, history: state.history.slice(0, -1), stepStartedAt: now },
      record: record(state, step, now, undefined, 'back'),
    }
  }

  const go = (from: RunState, to: string | null, data: unknown, reference?: StepRecord['reference']): Advance => {
    if (to === null)
      return refuse(
        step.id,
        `Aucune suite ne s’applique à l’étape « ${step.title.fr} ».`,
        `No branch applies at step “${step.title.en}”.`,
      )
    const next = moveTo(def, from, to, now)
    if (!next) return refuse(step.id, `L’étape « ${to} » n’existe pas.`, `Step “${to}” does not exist.`)
    return {
      ok: true,
      state: next,
      record: { ...record(state, step, now, data), reference },
      effect: effectFor(def, next),
    }
  }

  if (event.type === 'result') {
    if (step.kind === 'check') {
      const next = withValue(state, step.id, event.value)
      return go(next, evaluateTransition(step.next, next.context), event.value)
    }
    if (step.kind === 'act') {
      const result = (event.value ?? {}) as Partial<ActResult>
      let next = withValue(state, step.id, event.value)
      if (result.customer) next = { ...next, context: { ...next.context, customer: result.customer } }
      const reference =
        result.doctype && result.name && !result.skipped ? { doctype: result.doctype, name: result.name } : undefined
      return go(next, evaluateTransition(step.next, next.context), event.value, reference)
    }
    return refuse(step.id, 'Cette étape n’attend pas de résultat.', 'This step does not wait for a result.')
  }

  // submit
  switch (step.kind) {
    case 'say':
      return go(state, evaluateTransition(step.next, state.context), undefined)
    case 'ask': {
      const option = step.options.find((o) => o.value === event.value)
      if (!option) return refuse(step.id, 'Choisissez une des réponses.', 'Pick one of the answers.')
      return go(withValue(state, step.id, option.value), option.goto, option.value)
    }
    case 'form': {
      const problems = fieldProblems(step, event.value)
      if (problems.length) return { ok: false, problems }
      const values = cleanForm(step, event.value)
      const next = withValue(state, step.id, values)
      return go(next, evaluateTransition(step.next, next.context), values)
    }
    case 'check':
      return { ok: true, state, effect: effectFor(def, state) }
    case 'act':
      return {
        ok: true,
        state,
        effect: {
          type: 'act',
          step: step.id,
          action: step.action,
          params: resolveParams(step.params, state.context),
          idempotencyKey: `${runName}:${step.id}`,
        },
      }
    case 'end':
      return refuse(step.id, 'Ce parcours est terminé.', 'This flow has ended.')
  }
}
