/**
 * The JSON text the admin edits: what is wrong with it (syntax, then the validator's problems,
 * then a key or version that no longer matches the draft), where a step is written in it, and a
 * best-effort reading of a broken definition so the drawing can still show what is there.
 */
import { validateDefinition } from 'src/contracts/flows/validate'
import {
  FLOW_OUTCOMES,
  STEP_KINDS,
  type ActionKind,
  type Branch,
  type CheckKind,
  type FlowDefinition,
  type FlowOutcome,
  type FlowProblem,
  type FlowStep,
  type Localized,
  type StepKind,
  type Transition,
} from 'src/contracts/flows/types'

export type TextReading =
  { ok: true; definition: FlowDefinition; raw: unknown } | { ok: false; problems: FlowProblem[]; raw: unknown }

/** Line and column (from 1) of an offset in a text. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)))
  const lines = before.split('\n')
  return { line: lines.length, column: lines[lines.length - 1].length + 1 }
}

/** Where JSON.parse stopped, read from its message ("… at position 123", or "line 5 column 3"). */
function syntaxPlace(text: string, message: string): { line: number; column: number } | null {
  const lc = /line (\d+) column (\d+)/.exec(message)
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) }
  const pos = /position (\d+)/.exec(message)
  if (pos) return lineAndColumn(text, Number(pos[1]))
  if (/end of (JSON )?input/i.test(message)) return lineAndColumn(text, text.length)
  return null
}

function syntaxProblem(text: string, error: unknown): FlowProblem {
  const place = syntaxPlace(text, error instanceof Error ? error.message : '')
  return {
    path: place ? `line ${place.line}` : undefined,
    message: place
      ? {
          fr: `Le JSON est mal formé à la ligne ${place.line}, colonne ${place.column} : vérifiez les virgules, guillemets et accolades autour.`,
          en: `The JSON is malformed at line ${place.line}, column ${place.column}: check the commas, quotes and braces around it.`,
        }
      : {
          fr: 'Le JSON est mal formé : vérifiez les virgules, guillemets et accolades.',
          en: 'The JSON is malformed: check the commas, quotes and braces.',
        },
  }
}

/**
 * Reads the editor's text as the draft `expected` (its key and version): the definition when all
 * is well, otherwise every problem, each naming the step and field where it can.
 */
export function readDefinitionText(text: string, expected: { key: string; version: number }): TextReading {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return { ok: false, problems: [syntaxProblem(text, err)], raw: undefined }
  }
  const checked = validateDefinition(raw)
  const problems = checked.ok ? [] : [...checked.problems]
  const head = (raw ?? {}) as { key?: unknown; version?: unknown }
  if (head.key !== undefined && head.key !== expected.key)
    problems.push({
      path: 'key',
      message: {
        fr: `La clé doit rester « ${expected.key} » : pour un autre parcours, créez-le depuis la liste.`,
        en: `The key must stay “${expected.key}”: for another flow, create it from the list.`,
      },
    })
  if (head.version !== undefined && head.version !== expected.version)
    problems.push({
      path: 'version',
      message: {
        fr: `Ce brouillon est la version ${expected.version} : remettez "version": ${expected.version}.`,
        en: `This draft is version ${expected.version}: put back "version": ${expected.version}.`,
      },
    })
  if (checked.ok && !problems.length) return { ok: true, definition: checked.definition, raw }
  return { ok: false, problems, raw }
}

/** Where the step `id` is declared in the text (its `"id": "…"`), to put the cursor there. */
export function stepOffset(text: string, id: string): { start: number; end: number } | null {
  const escaped = JSON.stringify(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const found = new RegExp(`"id"\\s*:\\s*${escaped}`).exec(text)
  return found ? { start: found.index, end: found.index + found[0].length } : null
}

/** The step whose declaration comes last before `offset` (the one the cursor is in, for well-formed text). */
export function stepAtOffset(text: string, offset: number): string | null {
  const before = text.slice(0, offset)
  const ids = [...before.matchAll(/"id"\s*:\s*"((?:[^"\\]|\\.)*)"/g)]
  const stepsAt = before.indexOf('"steps"')
  const last = ids.filter((m) => m.index > stepsAt).pop()
  return stepsAt >= 0 && last ? (JSON.parse(`"${last[1]}"`) as string) : null
}

// ---- A broken definition, read as far as it goes -----------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)
const text = (v: unknown): string => (typeof v === 'string' ? v : '')
const localized = (v: unknown, fallback: string): Localized =>
  isObject(v)
    ? { fr: text(v.fr) || text(v.en) || fallback, en: text(v.en) || text(v.fr) || fallback }
    : { fr: fallback, en: fallback }

function transition(v: unknown): Transition {
  if (typeof v === 'string') return v
  if (!Array.isArray(v)) return []
  return v.filter(isObject).map((b): Branch => ({ goto: text(b.goto), ...(isObject(b.when) ? { when: b.when } : {}) }))
}

function drawableStep(s: Record<string, unknown>, index: number): FlowStep {
  const id = text(s.id) || `#${index + 1}`
  const kind: StepKind = (STEP_KINDS as readonly string[]).includes(text(s.kind)) ? (s.kind as StepKind) : 'say'
  const base = { id, title: localized(s.title, id) }
  switch (kind) {
    case 'end': {
      const outcome = (FLOW_OUTCOMES as readonly string[]).includes(text(s.outcome))
        ? (s.outcome as FlowOutcome)
        : 'resolved'
      return { ...base, kind, outcome }
    }
    case 'ask': {
      const options = (Array.isArray(s.options) ? s.options : []).filter(isObject).map((o) => ({
        value: text(o.value),
        label: localized(o.label, text(o.value)),
        goto: text(o.goto),
      }))
      return { ...base, kind, question: localized(s.question, ''), options }
    }
    case 'form':
      return { ...base, kind, fields: [], next: transition(s.next) }
    // An unknown check or action is kept as written: the drawing shows no label for it, the
    // validator names it.
    case 'check':
      return { ...base, kind, check: text(s.check) as CheckKind, next: transition(s.next) }
    case 'act':
      return { ...base, kind, action: text(s.action) as ActionKind, next: transition(s.next) }
    default:
      return { ...base, kind: 'say', text: localized(s.text, ''), next: transition(s.next) }
  }
}

/**
 * The steps and branches of a definition that may not pass validation (a goto to a missing step,
 * a step without a title), enough to draw it; null when there are no steps to draw. Only the
 * drawing uses this: the preview and the save take a validated definition.
 */
export function drawableDefinition(raw: unknown): FlowDefinition | null {
  if (!isObject(raw) || !Array.isArray(raw.steps)) return null
  const steps = raw.steps.filter(isObject).map(drawableStep)
  if (!steps.length) return null
  return {
    key: text(raw.key),
    version: typeof raw.version === 'number' ? raw.version : 0,
    title: localized(raw.title, text(raw.key)),
    audience: raw.audience === 'prospect' ? 'prospect' : 'customer',
    start: text(raw.start) || steps[0].id,
    steps,
  }
}
