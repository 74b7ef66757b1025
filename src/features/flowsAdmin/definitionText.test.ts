import { describe, expect, it } from 'vitest'
import { drawableDefinition, readDefinitionText, stepAtOffset, stepOffset } from './definitionText'
import { MODEM_FLOW } from './testFlows'

const TEXT = JSON.stringify(MODEM_FLOW, null, 2)
const AS_DRAFT = { key: 'modem-check', version: 2 }

describe('reading the text the admin writes', () => {
  it('gives the definition when the text is a valid draft', () => {
    const r = readDefinitionText(TEXT, AS_DRAFT)
    expect(r.ok).toBe(true)
  })

  it('says on which line the JSON breaks', () => {
    const broken = TEXT.replace('"next": "diag"', '"next": "diag",,')
    const r = readDefinitionText(broken, AS_DRAFT)
    expect(r.ok).toBe(false)
    const line = broken.split('\n').findIndex((l) => l.includes('"diag",,')) + 1
    if (!r.ok) expect(r.problems[0].message.fr).toContain(`ligne ${line}`)
  })

  it('names the step and the field of a goto to a missing step', () => {
    const r = readDefinitionText(TEXT.replace('"next": "booked"', '"next": "bookd"'), AS_DRAFT)
    expect(r.ok).toBe(false)
    if (r.ok) return
    const problem = r.problems.find((p) => p.step === 'book')!
    expect(problem.path).toBe('next')
    expect(problem.message.fr).toContain('« bookd » n’existe pas')
    expect(problem.message.en).toContain('“bookd” does not exist')
  })

  it('refuses a key or version other than the draft’s', () => {
    const r = readDefinitionText(TEXT, { key: 'other', version: 3 })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems.map((p) => p.path)).toEqual(['key', 'version'])
  })

  it('finds where a step is written, and which step the cursor is in', () => {
    const at = stepOffset(TEXT, 'restart')!
    expect(TEXT.slice(at.start, at.end)).toBe('"id": "restart"')
    expect(stepAtOffset(TEXT, at.end + 40)).toBe('restart')
    expect(stepAtOffset(TEXT, 5)).toBeNull()
  })

  it('reads a broken definition far enough to draw it', () => {
    const raw = JSON.parse(TEXT.replace('"next": "booked"', '"next": "bookd"')) as unknown
    const drawable = drawableDefinition(raw)!
    expect(drawable.steps.map((s) => s.id)).toEqual(MODEM_FLOW.steps.map((s) => s.id))
    expect(drawable.steps.find((s) => s.id === 'book')).toMatchObject({ kind: 'act', next: 'bookd' })
    expect(drawableDefinition({ steps: 'nope' })).toBeNull()
    expect(drawableDefinition({ steps: [{ kind: 'weird' }] })!.steps[0]).toMatchObject({ id: '#1', kind: 'say' })
  })
})
