/**
 * What a run created, for the end of the call: each document once, with the sentence the action
 * answered ("Billet ISS-2026-00012 ouvert.") and, for a job, the day it is booked on so the board
 * opens there.
 */
import { stepOf } from 'src/contracts/flows/interpreter'
import type { ActResult, Localized, RunView } from 'src/contracts/flows/types'

export interface CreatedDocument {
  doctype: string
  name: string
  /** The step that created it. */
  step: string
  summary?: Localized
  /** A job's booked day (YYYY-MM-DD), when it has one. */
  day?: string
}

const isLocalized = (v: unknown): v is Localized =>
  !!v && typeof v === 'object' && typeof (v as Localized).fr === 'string' && typeof (v as Localized).en === 'string'

function asResult(value: unknown): (Partial<ActResult> & { scheduled_start?: unknown }) | null {
  return value && typeof value === 'object' ? (value as Partial<ActResult> & { scheduled_start?: unknown }) : null
}

export function createdBy(view: RunView): CreatedDocument[] {
  const out = new Map<string, CreatedDocument>()
  const add = (step: string, doctype: string, name: string) => {
    const key = `${doctype}|${name}`
    if (out.has(key)) return
    const result = asResult(view.state.context.values[step])
    const same = result?.doctype === doctype && result?.name === name
    const start = same && typeof result?.scheduled_start === 'string' ? result.scheduled_start : ''
    out.set(key, {
      doctype,
      name,
      step,
      summary: same && isLocalized(result?.summary) ? result.summary : undefined,
      day: /^\d{4}-\d{2}-\d{2}/.test(start) ? start.slice(0, 10) : undefined,
    })
  }
  for (const e of view.events) if (e.reference) add(e.step, e.reference.doctype, e.reference.name)
  // What the run holds is the truth too: an action answered before its line was written.
  for (const [step, value] of Object.entries(view.state.context.values)) {
    if (stepOf(view.definition, step)?.kind !== 'act') continue
    const r = asResult(value)
    if (r && !r.skipped && typeof r.doctype === 'string' && typeof r.name === 'string' && r.name)
      add(step, r.doctype, r.name)
  }
  return [...out.values()]
}
