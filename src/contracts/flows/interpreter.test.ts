import { describe, expect, it } from 'vitest'
import { allPaths, flowEdges, stepDepths, stepsThatNeverEnd } from './graph'
import {
  advance,
  fieldProblems,
  fillTemplate,
  fitsCustomer,
  localizedText,
  nextStepOf,
  readableDate,
  resolveParams,
  startRun,
} from './interpreter'
import type { FlowDefinition, FormStep, RunState } from './types'
import { parseDefinition, validateDefinition } from './validate'

const L = (fr: string, en = fr) => ({ fr, en })

const DEF: FlowDefinition = {
  key: 'demo',
  version: 1,
  title: L('Démo', 'Demo'),
  audience: 'customer',
  requires: ['ont'],
  start: 'hello',
  steps: [
    {
      id: 'hello',
      kind: 'say',
      title: L('Accueil'),
      text: L('Bonjour {customer.customer_name}', 'Hi {customer.customer_name}'),
      next: 'diag',
    },
    {
      id: 'diag',
      kind: 'check',
      title: L('Diagnostic'),
      check: 'diagnose',
      next: [{ when: { in: [{ var: 'values.diag.status' }, ['los', 'weak-fiber']] }, goto: 'ticket' }, { goto: 'ok' }],
    },
    {
      id: 'ok',
      kind: 'ask',
      title: L('Réglé ?'),
      question: L('Est-ce réglé ?'),
      options: [
        { value: 'yes', label: L('Oui'), goto: 'done' },
        { value: 'no', label: L('Non'), goto: 'contact' },
      ],
    },
    {
      id: 'contact',
      kind: 'form',
      title: L('Coordonnées'),
      fields: [
        {
          name: 'phone',
          type: 'phone',
          label: L('Téléphone', 'Phone'),
          required: true,
          default: '{customer.mobile_no}',
        },
        { name: 'speed', type: 'number', label: L('Vitesse', 'Speed'), min: 0, max: 10000 },
        { name: 'where', type: 'address', label: L('Adresse', 'Address') },
      ],
      next: 'ticket',
    },
    {
      id: 'ticket',
      kind: 'act',
      title: L('Billet'),
      action: 'open-ticket',
      params: { subject: 'Panne : {values.diag.status}', priority: 'High' },
      next: 'escalated',
    },
    { id: 'done', kind: 'end', title: L('Réglé'), outcome: 'resolved' },
    { id: 'escalated', kind: 'end', title: L('Escaladé'), outcome: 'escalated' },
  ],
}

const CUSTOMER = { name: 'CUST-00001', customer_name: 'Julie Tremblay', mobile_no: '514-555-1234', ont: 'GPON1' }

function must(result: ReturnType<typeof advance>): Extract<ReturnType<typeof advance>, { ok: true }> {
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  return result
}

describe('the interpreter', () => {
  it('walks say → check → act → end, asking for the check and the action as effects', () => {
    let r = must(startRun(DEF, 'FLOW-demo-v1', CUSTOMER, 0, 'RUN-1'))
    expect(r.state.current).toBe('hello')
    expect(r.effect).toBeUndefined()
    r = must(advance(DEF, r.state, { type: 'submit', step: 'hello' }, 1_000, 'RUN-1'))
    expect(r.record).toMatchObject({ step: 'hello', kind: 'say', durationMs: 1_000 })
    expect(r.effect).toEqual({ type: 'check', step: 'diag', check: 'diagnose', params: {} })
    r = must(advance(DEF, r.state, { type: 'result', step: 'diag', value: { status: 'los' } }, 1_500, 'RUN-1'))
    expect(r.state.current).toBe('ticket')
    const onAct = r.state
    r = must(advance(DEF, onAct, { type: 'submit', step: 'ticket' }, 2_000, 'RUN-1'))
    expect(r.state).toBe(onAct) // nothing moves until the action answers
    expect(r.effect).toEqual({
      type: 'act',
      step: 'ticket',
      action: 'open-ticket',
      params: { subject: 'Panne : los', priority: 'High' },
      idempotencyKey: 'RUN-1:ticket',
    })
    r = must(
      advance(
        DEF,
        onAct,
        { type: 'result', step: 'ticket', value: { doctype: 'Issue', name: 'ISS-1', summary: L('x') } },
        3_000,
        'RUN-1',
      ),
    )
    expect(r.record?.reference).toEqual({ doctype: 'Issue', name: 'ISS-1' })
    expect(r.state).toMatchObject({ status: 'Completed', outcome: 'escalated', current: 'escalated' })
    expect(advance(DEF, r.state, { type: 'submit', step: 'escalated' }, 4_000, 'RUN-1').ok).toBe(false)
  })

  it('branches on the answer and goes back with what was gathered kept', () => {
    let r = must(startRun(DEF, 'FLOW-demo-v1', CUSTOMER, 0, 'R'))
    r = must(advance(DEF, r.state, { type: 'submit', step: 'hello' }, 1, 'R'))
    r = must(advance(DEF, r.state, { type: 'result', step: 'diag', value: { status: 'online' } }, 2, 'R'))
    expect(r.state.current).toBe('ok')
    expect(nextStepOf(DEF, r.state)).toBeNull()
    expect(advance(DEF, r.state, { type: 'submit', step: 'ok', value: 'maybe' }, 3, 'R').ok).toBe(false)
    r = must(advance(DEF, r.state, { type: 'submit', step: 'ok', value: 'no' }, 3, 'R'))
    expect(r.state.current).toBe('contact')
    expect(r.state.context.values.ok).toBe('no')
    r = must(advance(DEF, r.state, { type: 'back', step: 'contact' }, 4, 'R'))
    expect(r.state.current).toBe('ok')
    expect(r.state.history).toEqual(['hello', 'diag'])
    expect(r.state.context.values.ok).toBe('no')
  })

  it('refuses an event for a step that is not on screen (a second tab, a stale click)', () => {
    const r = must(startRun(DEF, 'FLOW-demo-v1', CUSTOMER, 0, 'R'))
    const stale = advance(DEF, r.state, { type: 'submit', step: 'ticket' }, 1, 'R')
    expect(stale.ok).toBe(false)
  })

  it('validates form fields by type and names the field', () => {
    const form = DEF.steps.find((s) => s.id === 'contact') as FormStep
    expect(fieldProblems(form, {})).toMatchObject([{ step: 'contact', path: 'fields.phone' }])
    expect(fieldProblems(form, { phone: '(514) 555-1234' })).toEqual([])
    expect(fieldProblems(form, { phone: '555-1234' })[0].message.fr).toContain('10 chiffres')
    expect(fieldProblems(form, { phone: '5145551234', speed: -1 })[0].path).toBe('fields.speed')
    expect(
      fieldProblems(form, { phone: '5145551234', where: { line: '1 rue X', city: 'Laval', postalCode: 'H7N' } })[0]
        .path,
    ).toBe('fields.where')
    expect(
      fieldProblems(form, { phone: '5145551234', where: { line: '1 rue X', city: 'Laval', postalCode: 'h7n1a1' } }),
    ).toEqual([])
  })

  it('keeps form values cleaned: numbers as numbers, postal codes spaced', () => {
    const state: RunState = {
      ...must(startRun(DEF, 'F', CUSTOMER, 0, 'R')).state,
      current: 'contact',
      history: ['hello'],
    }
    const r = must(
      advance(
        DEF,
        state,
        {
          type: 'submit',
          step: 'contact',
          value: {
            phone: ' 514 555 1234 ',
            speed: '12,5',
            where: { line: '1 rue X', city: 'Laval', postalCode: 'h7n1a1' },
          },
        },
        1,
        'R',
      ),
    )
    expect(r.state.context.values.contact).toEqual({
      phone: '514 555 1234',
      speed: 12.5,
      where: { line: '1 rue X', city: 'Laval', postalCode: 'H7N 1A1' },
    })
  })

  it('fills templates and parameters, in the customer’s language for {fr, en} pairs', () => {
    const ctx = {
      customer: { ...CUSTOMER, language: 'en' as const },
      values: { a: { line: '1 rue X', city: 'Laval', postalCode: 'H7N 1A1' } },
    }
    expect(fillTemplate('{customer.customer_name} à {values.a} {values.nothing}', ctx)).toBe(
      'Julie Tremblay à 1 rue X, Laval, H7N 1A1 ',
    )
    expect(
      resolveParams(
        { t: L('Bonjour {customer.customer_name}', 'Hello {customer.customer_name}'), a: { var: 'values.a' }, n: 3 },
        ctx,
      ),
    ).toEqual({
      t: 'Hello Julie Tremblay',
      a: ctx.values.a,
      n: 3,
    })
  })

  it('writes dates as words in texts for people, and leaves them as they are in parameters', () => {
    const ctx = { customer: CUSTOMER, values: { when: { day: '2026-12-08', at: '2026-12-08 07:00:00' } } }
    expect(localizedText(L('Le {values.when.day} à {values.when.at}', 'On {values.when.day}'), ctx, 'fr')).toBe(
      'Le mardi 8 décembre à mardi 8 décembre à 07 h 00',
    )
    expect(localizedText(L('x', 'On {values.when.at}'), ctx, 'en')).toMatch(/^On Tuesday, December 8 at 07:00/)
    expect(resolveParams({ date: '{values.when.day}' }, ctx)).toEqual({ date: '2026-12-08' })
    expect(readableDate('2026-02-30', 'fr')).toBeNull()
  })

  it('fits a flow to a customer by audience and requirements', () => {
    expect(fitsCustomer(DEF, CUSTOMER)).toBe(true)
    expect(fitsCustomer(DEF, { ...CUSTOMER, ont: undefined })).toBe(false)
    expect(fitsCustomer(DEF, null)).toBe(false)
    expect(fitsCustomer({ ...DEF, audience: 'prospect', requires: [] }, null)).toBe(true)
  })

  it('abandons with a log line for the step it stopped on', () => {
    const r = must(advance(DEF, must(startRun(DEF, 'F', CUSTOMER, 0, 'R')).state, { type: 'abandon' }, 5, 'R'))
    expect(r.state.status).toBe('Abandoned')
    expect(r.record).toMatchObject({ step: 'hello', kind: 'abandon', durationMs: 5 })
  })
})

describe('the validator and the graph', () => {
  it('accepts a sound definition and draws its edges', () => {
    expect(validateDefinition(DEF).ok).toBe(true)
    expect(flowEdges(DEF)).toHaveLength(7)
    expect(stepDepths(DEF).get('escalated')).toBe(3)
    const paths = allPaths(DEF)
    expect(paths.every((p) => ['done', 'escalated'].includes(p[p.length - 1]))).toBe(true)
  })

  it('names the step and field of a branch to a missing step', () => {
    const broken = structuredClone(DEF) as unknown as { steps: { id: string; next?: unknown }[] }
    broken.steps[0].next = 'nowhere'
    const v = validateDefinition(broken)
    expect(v.ok).toBe(false)
    if (!v.ok) {
      expect(v.problems.some((p) => p.step === 'hello' && p.path === 'next' && p.message.fr.includes('nowhere'))).toBe(
        true,
      )
    }
  })

  it('refuses an unreachable step and a loop that never ends', () => {
    const unreachable = {
      ...DEF,
      steps: [...DEF.steps, { id: 'lost', kind: 'end', title: L('Perdu'), outcome: 'resolved' }],
    }
    const u = validateDefinition(unreachable)
    expect(!u.ok && u.problems.some((p) => p.step === 'lost' && p.message.en.includes('never reached'))).toBe(true)

    const loop: FlowDefinition = {
      ...DEF,
      start: 'a',
      steps: [
        { id: 'a', kind: 'say', title: L('A'), text: L('a'), next: 'b' },
        { id: 'b', kind: 'say', title: L('B'), text: L('b'), next: 'a' },
        { id: 'z', kind: 'end', title: L('Z'), outcome: 'resolved' },
      ],
    }
    expect(stepsThatNeverEnd(loop)).toEqual(['a', 'b'])
    const l = validateDefinition(loop)
    expect(!l.ok && l.problems.some((p) => p.step === 'a' && p.message.fr.includes('jamais finir'))).toBe(true)
  })

  it('refuses schema errors, unknown parameters, missing required ones and unknown placeholders', () => {
    const v = validateDefinition({ ...DEF, steps: [{ ...DEF.steps[0], kind: 'shout' }, ...DEF.steps.slice(1)] })
    expect(v.ok).toBe(false)
    const params = structuredClone(DEF) as unknown as { steps: Record<string, unknown>[] }
    params.steps[4].params = { subjet: 'x' }
    const p = validateDefinition(params)
    expect(!p.ok && p.problems.map((x) => x.path)).toEqual(expect.arrayContaining(['params.subject', 'params.subjet']))
    const placeholder = structuredClone(DEF) as unknown as { steps: Record<string, unknown>[] }
    placeholder.steps[0].text = L('Bonjour {client.nom}')
    const q = validateDefinition(placeholder)
    expect(!q.ok && q.problems[0]).toMatchObject({ step: 'hello', path: 'text.fr' })
  })

  it('refuses unreadable JSON with the parser’s reason', () => {
    const r = parseDefinition('{"key": ')
    expect(r.ok).toBe(false)
  })
})
