/**
 * Whether a flow definition may be saved, published or loaded: its JSON Schema (ajv), then what a
 * schema cannot say — ids unique, every branch leads to a step that exists, every step can be
 * reached from the start, every path can end, checks and actions get the parameters they take,
 * placeholders name something the flow knows, and branch rules are JSON Logic. Every problem
 * names the step and the field, in French and English.
 */
import type { ErrorObject } from 'ajv'
import jsonLogic from 'json-logic-js'
import { ACTION_SPECS, CHECK_SPECS, type ParamSpec } from './catalogue'
import { edgesOf, stepDepths, stepsThatNeverEnd } from './graph'
import { placeholdersOf } from './interpreter'
import checkSchema from './flowSchemaCheck.js'
import type { FlowDefinition, FlowProblem, FlowStep, Localized, Param } from './types'

export { FLOW_JSON_SCHEMA } from './flowSchema'

const P = (step: string | undefined, path: string | undefined, fr: string, en: string): FlowProblem => ({
  step,
  path,
  message: { fr, en },
})

/** ajv's error, said for a person: which step, which field, what is wrong. */
function schemaProblem(raw: unknown, e: ErrorObject): FlowProblem | null {
  const parts = e.instancePath.split('/').slice(1)
  let stepId: string | undefined
  let path = e.instancePath || '/'
  if (parts[0] === 'steps' && parts[1] !== undefined) {
    const steps = (raw as { steps?: unknown[] }).steps
    const s = Array.isArray(steps) ? steps[Number(parts[1])] : undefined
    stepId =
      s && typeof s === 'object' && typeof (s as { id?: unknown }).id === 'string'
        ? (s as { id: string }).id
        : `#${Number(parts[1]) + 1}`
    path = parts.slice(2).join('.') || 'step'
  }
  const where = stepId
    ? { fr: `Étape « ${stepId} », ${path}`, en: `Step “${stepId}”, ${path}` }
    : { fr: path, en: path }
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'if':
    case 'oneOf':
      return null // the branch's own errors say it better
    case 'required':
      return P(
        stepId,
        path,
        `${where.fr} : « ${String(params.missingProperty)} » manque.`,
        `${where.en}: “${String(params.missingProperty)}” is missing.`,
      )
    case 'additionalProperties':
      return P(
        stepId,
        path,
        `${where.fr} : « ${String(params.additionalProperty)} » n’est pas permis ici.`,
        `${where.en}: “${String(params.additionalProperty)}” is not allowed here.`,
      )
    case 'enum':
      return P(
        stepId,
        path,
        `${where.fr} : valeur inconnue (permises : ${(params.allowedValues as unknown[]).join(', ')}).`,
        `${where.en}: unknown value (allowed: ${(params.allowedValues as unknown[]).join(', ')}).`,
      )
    case 'pattern':
      return P(
        stepId,
        path,
        `${where.fr} : lettres minuscules, chiffres et tirets seulement.`,
        `${where.en}: lowercase letters, digits and dashes only.`,
      )
    case 'type':
      return P(
        stepId,
        path,
        `${where.fr} : type attendu ${String(params.type)}.`,
        `${where.en}: expected ${String(params.type)}.`,
      )
    case 'minLength':
      return P(stepId, path, `${where.fr} : ne peut être vide.`, `${where.en}: cannot be empty.`)
    default:
      return P(stepId, path, `${where.fr} : ${e.message ?? 'invalide'}.`, `${where.en}: ${e.message ?? 'invalid'}.`)
  }
}

const KNOWN_CUSTOMER_FIELDS = new Set([
  'name',
  'customer_name',
  'mobile_no',
  'email_id',
  'language',
  'location',
  'address',
  'city',
  'postal_code',
  'plan',
  'subscription',
  'ont',
])

function textsOf(step: FlowStep): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = []
  const add = (path: string, l: Localized | undefined) => {
    if (l) for (const lang of ['fr', 'en'] as const) out.push({ path: `${path}.${lang}`, text: l[lang] })
  }
  const addParams = (ps: Readonly<Record<string, Param>> | undefined) => {
    for (const [k, p] of Object.entries(ps ?? {})) {
      if (typeof p === 'string') out.push({ path: `params.${k}`, text: p })
      else if (p && typeof p === 'object' && 'fr' in p) add(`params.${k}`, p)
      else if (p && typeof p === 'object' && 'var' in p) out.push({ path: `params.${k}`, text: `{${p.var}}` })
    }
  }
  if (step.kind === 'say') add('text', step.text)
  if (step.kind === 'ask') add('question', step.question)
  if (step.kind === 'form') {
    add('text', step.text)
    for (const f of step.fields) if (f.default) out.push({ path: `fields.${f.name}.default`, text: f.default })
  }
  if (step.kind === 'check') addParams(step.params)
  if (step.kind === 'act') {
    add('text', step.text)
    addParams(step.params)
  }
  if (step.kind === 'end') add('text', step.text)
  return out
}

/** Variables a JSON Logic rule reads. */
function varsOf(rule: unknown, out: string[] = []): string[] {
  if (Array.isArray(rule)) rule.forEach((r) => varsOf(r, out))
  else if (rule && typeof rule === 'object') {
    for (const [op, arg] of Object.entries(rule)) {
      if (op === 'var') {
        const name = Array.isArray(arg) ? arg[0] : arg
        if (typeof name === 'string' && name) out.push(name)
      } else varsOf(arg, out)
    }
  }
  return out
}

function semanticProblems(def: FlowDefinition): FlowProblem[] {
  const problems: FlowProblem[] = []
  const ids = new Set<string>()
  for (const s of def.steps) {
    if (ids.has(s.id))
      problems.push(P(s.id, 'id', `L’étape « ${s.id} » est définie deux fois.`, `Step “${s.id}” is defined twice.`))
    ids.add(s.id)
  }
  if (!ids.has(def.start))
    problems.push(
      P(
        undefined,
        'start',
        `La première étape « ${def.start} » n’existe pas.`,
        `The first step “${def.start}” does not exist.`,
      ),
    )

  for (const s of def.steps) {
    edgesOf(s).forEach((e, i) => {
      if (!ids.has(e.to)) {
        const path =
          s.kind === 'ask' || s.kind === 'end'
            ? `options[${i}].goto`
            : typeof s.next === 'string'
              ? 'next'
              : `next[${i}].goto`
        problems.push(
          P(
            s.id,
            path,
            `Étape « ${s.id} », ${path} : l’étape « ${e.to} » n’existe pas.`,
            `Step “${s.id}”, ${path}: step “${e.to}” does not exist.`,
          ),
        )
      }
    })
    if (s.kind !== 'ask' && s.kind !== 'end' && typeof s.next !== 'string') {
      s.next.forEach((b, i) => {
        if (b.when && !jsonLogic.is_logic(b.when))
          problems.push(
            P(
              s.id,
              `next[${i}].when`,
              `Étape « ${s.id} », next[${i}].when : règle JSON Logic illisible.`,
              `Step “${s.id}”, next[${i}].when: unreadable JSON Logic rule.`,
            ),
          )
        for (const v of varsOf(b.when)) checkReference(s.id, `next[${i}].when`, v)
      })
      if (s.next.every((b) => b.when))
        problems.push(
          P(
            s.id,
            'next',
            `Étape « ${s.id} » : ajoutez une suite sans condition (« sinon »).`,
            `Step “${s.id}”: add a branch without a condition (“otherwise”).`,
          ),
        )
    }
    if (s.kind === 'ask') {
      const values = new Set<string>()
      s.options.forEach((o, i) => {
        if (values.has(o.value))
          problems.push(
            P(
              s.id,
              `options[${i}].value`,
              `Étape « ${s.id} » : deux options valent « ${o.value} ».`,
              `Step “${s.id}”: two options are “${o.value}”.`,
            ),
          )
        values.add(o.value)
      })
    }
    if (s.kind === 'form') {
      const names = new Set<string>()
      for (const f of s.fields) {
        if (names.has(f.name))
          problems.push(
            P(
              s.id,
              `fields.${f.name}`,
              `Étape « ${s.id} » : le champ « ${f.name} » est défini deux fois.`,
              `Step “${s.id}”: field “${f.name}” is defined twice.`,
            ),
          )
        names.add(f.name)
        if (f.type === 'select' && !f.options?.length)
          problems.push(
            P(
              s.id,
              `fields.${f.name}.options`,
              `Étape « ${s.id} », champ « ${f.name} » : une liste demande ses options.`,
              `Step “${s.id}”, field “${f.name}”: a select needs its options.`,
            ),
          )
      }
    }
    if (s.kind === 'check' || s.kind === 'act') {
      const spec = s.kind === 'check' ? CHECK_SPECS[s.check] : ACTION_SPECS[s.action]
      const given = s.params ?? {}
      for (const [name, p] of Object.entries(spec.params) as [string, ParamSpec][]) {
        if (p.required && given[name] === undefined)
          problems.push(
            P(
              s.id,
              `params.${name}`,
              `Étape « ${s.id} » : le paramètre « ${name} » est requis.`,
              `Step “${s.id}”: parameter “${name}” is required.`,
            ),
          )
        const value = given[name]
        if (p.choices && typeof value === 'string' && !p.choices.includes(value))
          problems.push(
            P(
              s.id,
              `params.${name}`,
              `Étape « ${s.id} », « ${name} » : permis ${p.choices.join(', ')}.`,
              `Step “${s.id}”, “${name}”: allowed ${p.choices.join(', ')}.`,
            ),
          )
      }
      for (const name of Object.keys(given))
        if (!(name in spec.params))
          problems.push(
            P(
              s.id,
              `params.${name}`,
              `Étape « ${s.id} » : paramètre « ${name} » inconnu (permis : ${Object.keys(spec.params).join(', ') || 'aucun'}).`,
              `Step “${s.id}”: unknown parameter “${name}” (allowed: ${Object.keys(spec.params).join(', ') || 'none'}).`,
            ),
          )
    }
    for (const { path, text } of textsOf(s)) for (const ref of placeholdersOf(text)) checkReference(s.id, path, ref)
  }

  function checkReference(stepId: string, path: string, ref: string) {
    const [root, first] = ref.split('.')
    const ok =
      (root === 'customer' && (first === undefined || KNOWN_CUSTOMER_FIELDS.has(first))) ||
      (root === 'values' && first !== undefined && ids.has(first))
    if (!ok)
      problems.push(
        P(
          stepId,
          path,
          `Étape « ${stepId} », ${path} : « ${ref} » ne désigne rien de connu (customer.… ou values.<étape>…).`,
          `Step “${stepId}”, ${path}: “${ref}” names nothing known (customer.… or values.<step>…).`,
        ),
      )
  }

  if (problems.length) return problems
  const depths = stepDepths(def)
  for (const s of def.steps)
    if (!depths.has(s.id))
      problems.push(
        P(s.id, undefined, `L’étape « ${s.id} » n’est jamais atteinte.`, `Step “${s.id}” is never reached.`),
      )
  for (const stuck of stepsThatNeverEnd(def))
    problems.push(
      P(
        stuck,
        'next',
        `Depuis l’étape « ${stuck} », le parcours ne peut jamais finir.`,
        `From step “${stuck}”, the flow can never end.`,
      ),
    )
  if (!def.steps.some((s) => s.kind === 'end'))
    problems.push(P(undefined, 'steps', 'Le parcours n’a aucune étape de fin.', 'The flow has no end step.'))
  return problems
}

export function validateDefinition(
  raw: unknown,
): { ok: true; definition: FlowDefinition } | { ok: false; problems: FlowProblem[] } {
  if (!checkSchema(raw)) {
    const seen = new Set<string>()
    const problems = (checkSchema.errors ?? [])
      .map((e) => schemaProblem(raw, e))
      .filter((p): p is FlowProblem => !!p && !seen.has(p.message.en) && !!seen.add(p.message.en))
    return {
      ok: false,
      problems: problems.length ? problems : [P(undefined, '/', 'Définition invalide.', 'Invalid definition.')],
    }
  }
  const definition = raw as unknown as FlowDefinition
  const problems = semanticProblems(definition)
  return problems.length ? { ok: false, problems } : { ok: true, definition }
}

/** Parses and validates a definition kept as JSON text (an Agent Flow's `definition`). */
export function parseDefinition(
  text: string,
): { ok: true; definition: FlowDefinition } | { ok: false; problems: FlowProblem[] } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    return { ok: false, problems: [P(undefined, '/', `JSON illisible : ${why}`, `Unreadable JSON: ${why}`)] }
  }
  return validateDefinition(raw)
}
