/**
 * The flows Gigafibre ships (flows/*.json): each one is valid, every path ends, every text is in
 * both languages, and each is walked through the interpreter, with the checks and actions a rep
 * would see answered, along its main branches to the outcome a rep would expect.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { allPaths, edgesOf } from './graph'
import { advance, fitsCustomer, placeholdersOf, startRun, stepOf, valueAt } from './interpreter'
import type {
  ActResult,
  ActionKind,
  Advance,
  Effect,
  FlowCustomer,
  FlowDefinition,
  FlowOutcome,
  FlowStep,
  RunState,
} from './types'
import { validateDefinition } from './validate'

const FLOWS_DIR = fileURLToPath(new URL('../../../flows/', import.meta.url))
const SHIPPED = ['cancellation', 'move', 'new-subscription', 'no-internet', 'slow-wifi']
const files = readdirSync(FLOWS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()

const readRaw = (file: string): unknown => JSON.parse(readFileSync(`${FLOWS_DIR}${file}`, 'utf8'))

function flow(key: string): FlowDefinition {
  const result = validateDefinition(readRaw(`${key}.json`))
  if (!result.ok) throw new Error(`${key}: ${result.problems.map((p) => p.message.en).join(' ')}`)
  return result.definition
}

const marie: FlowCustomer = {
  name: 'CUST-00042',
  customer_name: 'Marie Tremblay',
  mobile_no: '450 555-0142',
  email_id: 'marie.tremblay@example.com',
  language: 'fr',
  location: 'LOC-00042',
  address: '118, rue Principale',
  city: 'Saint-Jérôme',
  postal_code: 'J7Z 1X6',
  plan: 'Fibre 500',
  subscription: 'SUB-00042',
  ont: 'ZTEG1A2B3C4D',
}
const emily: FlowCustomer = {
  ...marie,
  name: 'CUST-00043',
  customer_name: 'Emily Clarke',
  email_id: 'emily.clarke@example.com',
  language: 'en',
}

// ---- Driving a run ---------------------------------------------------------------------------

const RUN = 'RUN-2026-00042'
const NOW = Date.parse('2026-12-01T14:00:00Z')

/** What a rep would answer at each step: an option, a form's values, or a check's result. */
type Answers = Record<string, unknown>

interface Walk {
  state: RunState
  passed: string[]
  effects: Effect[]
  /** Action effects by step, as the BFF would perform them. */
  acts: Map<string, Extract<Effect, { type: 'act' }>>
}

/** The document an action answers with, as the BFF would (a new customer for create-customer). */
function actResult(action: ActionKind, step: string, params: Record<string, unknown>): ActResult {
  const name = `${action.toUpperCase()}-${step}`
  const result: ActResult = { doctype: 'Document', name, summary: { fr: `${name} fait.`, en: `${name} done.` } }
  if (action !== 'create-customer') return result
  const address = params.address as { line: string; city: string; postalCode: string }
  return {
    ...result,
    doctype: 'Customer',
    customer: {
      name: 'CUST-00999',
      customer_name: String(params.customerName),
      mobile_no: String(params.phone),
      email_id: String(params.email),
      language: params.language === 'en' ? 'en' : 'fr',
      location: 'LOC-00999',
      address: address.line,
      city: address.city,
      postal_code: address.postalCode,
      plan: String(params.plan),
      subscription: 'SUB-00999',
    },
  }
}

const must = (a: Advance, at: string): Extract<Advance, { ok: true }> => {
  if (!a.ok) throw new Error(`at ${at}: ${a.problems.map((p) => p.message.en).join(' ')}`)
  return a
}

/** Every placeholder of a step names a customer field it has, or a step already passed on this run. */
function unresolvedPlaceholders(step: FlowStep, state: RunState): string[] {
  const strings: string[] = []
  const collect = (v: unknown) => {
    if (typeof v === 'string') strings.push(v)
    else if (Array.isArray(v)) v.forEach(collect)
    else if (v && typeof v === 'object')
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'var') strings.push(`{${String(inner)}}`)
        else collect(inner)
      }
  }
  // Branch rules read the step's own answer, which exists only once it is given.
  const { next: _rules, ...shown } = step as FlowStep & { next?: unknown }
  collect(shown)
  return strings
    .flatMap(placeholdersOf)
    .filter((ref) =>
      ref.startsWith('values.')
        ? !(ref.split('.')[1] in state.context.values)
        : valueAt(state.context, ref) === undefined,
    )
}

function walk(def: FlowDefinition, customer: FlowCustomer | null, answers: Answers): Walk {
  let at = NOW
  let state = must(startRun(def, `FLOW-${def.key}-v${def.version}`, customer, at, RUN), 'start').state
  const passed: string[] = []
  const effects: Effect[] = []
  const acts = new Map<string, Extract<Effect, { type: 'act' }>>()
  for (let guard = 0; state.status === 'In Progress'; guard++) {
    if (guard > 100) throw new Error(`${def.key}: the run never ends`)
    const step = stepOf(def, state.current)
    if (!step) throw new Error(`${def.key}: unknown step ${state.current}`)
    expect(unresolvedPlaceholders(step, state), `placeholders at ${step.id}`).toEqual([])
    passed.push(step.id)
    at += 30_000
    let next: Advance
    switch (step.kind) {
      case 'say':
        next = advance(def, state, { type: 'submit', step: step.id }, at, RUN)
        break
      case 'ask':
      case 'form':
        if (!(step.id in answers)) throw new Error(`${def.key}: no answer for ${step.id}`)
        next = advance(def, state, { type: 'submit', step: step.id, value: answers[step.id] }, at, RUN)
        break
      case 'check':
        if (!(step.id in answers)) throw new Error(`${def.key}: no result for check ${step.id}`)
        next = advance(def, state, { type: 'result', step: step.id, value: answers[step.id] }, at, RUN)
        break
      case 'act': {
        const asked = must(advance(def, state, { type: 'submit', step: step.id }, at, RUN), step.id)
        expect(asked.state.current).toBe(step.id)
        const effect = asked.effect
        if (effect?.type !== 'act') throw new Error(`${def.key}: ${step.id} asked for no action`)
        expect(effect.idempotencyKey).toBe(`${RUN}:${step.id}`)
        effects.push(effect)
        acts.set(step.id, effect)
        const value = answers[step.id] ?? actResult(effect.action, step.id, effect.params)
        next = advance(def, state, { type: 'result', step: step.id, value }, at, RUN)
        break
      }
      case 'end':
        throw new Error(`${def.key}: a run on an end step is not in progress`)
    }
    const moved = must(next, step.id)
    if (moved.effect) effects.push(moved.effect)
    state = moved.state
  }
  passed.push(state.current)
  return { state, passed, effects, acts }
}

// ---- Check results ---------------------------------------------------------------------------

const diag = (status: string, extra: Record<string, unknown> = {}) => ({
  status,
  serial: marie.ont,
  summary: { fr: `Diagnostic : ${status}.`, en: `Diagnosis: ${status}.` },
  ...extra,
})
const online = (extra: Record<string, unknown> = {}) =>
  diag('online', { rxDbm: -19.4, wifiClients: 6, meshWeak: 0, ...extra })
const served = (yes: boolean) => ({
  served: yes,
  city: 'Mirabel',
  postalCode: 'J7J 1A1',
  summary: { fr: yes ? 'Desservie.' : 'Non desservie.', en: yes ? 'Served.' : 'Not served.' },
})
const balance = (amount: number) => ({
  amount,
  overdue: 0,
  summary: { fr: `Solde ${amount} $.`, en: `Balance $${amount}.` },
})
const newAddress = { line: '42, rue des Érables', city: 'Mirabel', postalCode: 'j7j1a1' }

// ---- Shape of every shipped flow ---------------------------------------------------------------

describe('the shipped flows', () => {
  it('are the five flows a rep runs', () => {
    expect(files).toEqual(expect.arrayContaining(SHIPPED.map((k) => `${k}.json`)))
  })

  describe.each(files)('%s', (file) => {
    const raw = readRaw(file)

    it('passes validation, with the key and version its file name says', () => {
      const result = validateDefinition(raw)
      expect(result.ok ? [] : result.problems.map((p) => p.message.en)).toEqual([])
      if (!result.ok) return
      expect(`${result.definition.key}.json`).toBe(file)
      expect(result.definition.version).toBe(1)
    })

    it('ends on every path, and every step lies on a path to an end', () => {
      const def = flow(file.replace(/\.json$/, ''))
      const paths = allPaths(def)
      const isEnd = (id: string | undefined) => !!id && stepOf(def, id)?.kind === 'end'
      for (const path of paths) {
        const last = stepOf(def, path[path.length - 1])
        const visits = (id: string) => path.filter((p) => p === id).length
        const cutAtRevisit = !!last && edgesOf(last).some((e) => visits(e.to) >= 2)
        expect(isEnd(last?.id) || cutAtRevisit, `path ${path.join(' → ')}`).toBe(true)
      }
      const onEndingPath = new Set(paths.filter((p) => isEnd(p[p.length - 1])).flat())
      expect(def.steps.map((s) => s.id).filter((id) => !onEndingPath.has(id))).toEqual([])
    })

    it('says everything in French and in English', () => {
      const missing: string[] = []
      const untranslated: string[] = []
      const visit = (v: unknown, path: string) => {
        if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${path}[${i}]`))
        else if (v && typeof v === 'object') {
          const o = v as Record<string, unknown>
          if ('fr' in o || 'en' in o) {
            for (const lang of ['fr', 'en'])
              if (typeof o[lang] !== 'string' || !(o[lang] as string).trim()) missing.push(`${path}.${lang}`)
            // A sentence left the same in both languages was not translated.
            if (typeof o.fr === 'string' && o.fr.length > 24 && o.fr === o.en) untranslated.push(path)
          } else for (const [k, x] of Object.entries(o)) visit(x, `${path}.${k}`)
        }
      }
      visit(raw, file)
      expect(missing).toEqual([])
      expect(untranslated).toEqual([])
      const def = flow(file.replace(/\.json$/, ''))
      for (const s of def.steps) {
        expect(s.title.fr.trim() && s.title.en.trim(), `title of ${s.id}`).toBeTruthy()
        if (s.kind === 'ask') for (const o of s.options) expect(o.label.fr && o.label.en).toBeTruthy()
        if (s.kind === 'form') for (const f of s.fields) expect(f.label.fr && f.label.en).toBeTruthy()
      }
    })
  })

  it('are offered only to the customers they fit', () => {
    const bare: FlowCustomer = { name: 'CUST-00050', customer_name: 'Luc Gagnon' }
    expect(fitsCustomer(flow('no-internet'), marie)).toBe(true)
    expect(fitsCustomer(flow('no-internet'), { ...marie, ont: undefined })).toBe(false)
    expect(fitsCustomer(flow('slow-wifi'), bare)).toBe(false)
    expect(fitsCustomer(flow('move'), { ...marie, location: undefined })).toBe(false)
    expect(fitsCustomer(flow('cancellation'), { ...marie, subscription: undefined })).toBe(false)
    expect(fitsCustomer(flow('new-subscription'), null)).toBe(true)
    expect(fitsCustomer(flow('new-subscription'), marie)).toBe(false)
  })
})

// ---- Each flow, branch by branch ------------------------------------------------------------

interface Scenario {
  name: string
  customer?: FlowCustomer | null
  answers: Answers
  outcome: FlowOutcome
  /** Steps the run must pass through. */
  through: string[]
}

function walks(key: string, scenarios: Scenario[]) {
  it.each(scenarios)('$name', ({ customer, answers, outcome, through }) => {
    const w = walk(flow(key), customer === undefined ? marie : customer, answers)
    expect(w.state.status).toBe('Completed')
    expect(w.state.outcome).toBe(outcome)
    expect(w.passed).toEqual(expect.arrayContaining(through))
  })
}

describe('no-internet', () => {
  walks('no-internet', [
    {
      name: 'a lost fiber signal books a repair and confirms it by text',
      answers: { diag: diag('los', { rxDbm: -40 }) },
      outcome: 'technician-booked',
      through: ['fiber-fault', 'book-repair', 'sms-repair'],
    },
    {
      name: 'a weak fiber signal books a repair too',
      answers: { diag: diag('weak-fiber', { rxDbm: -27.6 }) },
      outcome: 'technician-booked',
      through: ['fiber-fault', 'book-repair', 'sms-repair'],
    },
    {
      name: 'an offline modem brought back by checking power and cables is resolved',
      answers: { diag: diag('offline'), power: 'none', cables: 'loose', 'diag-again': online(), 'back-online': 'yes' },
      outcome: 'resolved',
      through: ['power-fix', 'cables', 'restart', 'diag-again', 'back-online'],
    },
    {
      name: 'a modem still offline after the checks books a repair',
      answers: { diag: diag('offline'), power: 'lit', cables: 'fine', 'diag-again': diag('offline') },
      outcome: 'technician-booked',
      through: ['cables', 'diag-again', 'still-offline', 'book-repair-checked', 'sms-repair'],
    },
    {
      name: 'a red light on the modem goes straight to the fiber repair',
      answers: { diag: diag('offline'), power: 'red' },
      outcome: 'technician-booked',
      through: ['fiber-fault', 'book-repair'],
    },
    {
      name: 'a modem that does not answer, with a customer who wants a visit, books a repair',
      answers: { diag: diag('timeout'), 'no-answer-choice': 'book' },
      outcome: 'technician-booked',
      through: ['no-answer', 'book-repair-no-answer', 'sms-repair'],
    },
    {
      name: 'a modem that does not answer can be checked together first',
      answers: {
        diag: diag('timeout'),
        'no-answer-choice': 'check',
        power: 'lit',
        cables: 'fine',
        'diag-again': online(),
        'back-online': 'no',
        'which-device': 'one-device',
        'resolved-ask': 'yes',
      },
      outcome: 'resolved',
      through: ['power', 'diag-again', 'which-device', 'advice-device'],
    },
    {
      name: 'an online modem and Wi-Fi advice that works is resolved',
      answers: { diag: online(), 'which-device': 'some-rooms', 'resolved-ask': 'yes' },
      outcome: 'resolved',
      through: ['which-device', 'advice-coverage', 'resolved-ask', 'fixed'],
    },
    {
      name: 'an online modem and advice that does not work opens a ticket',
      answers: { diag: online(), 'which-device': 'everywhere', 'resolved-ask': 'no' },
      outcome: 'escalated',
      through: ['advice-router', 'ticket-wifi'],
    },
    {
      name: 'a modem missing from the records opens a ticket',
      answers: { diag: diag('no-device') },
      outcome: 'escalated',
      through: ['no-device', 'ticket-no-device'],
    },
  ])

  it('the repair says the verdict and the signal, and the text goes out in the customer’s language', () => {
    const fr = walk(flow('no-internet'), marie, { diag: diag('los', { rxDbm: -40 }) })
    const booking = fr.acts.get('book-repair')
    expect(booking?.action).toBe('book-technician')
    expect(booking?.params).toMatchObject({ jobType: 'Repair', priority: 'High' })
    expect(booking?.params.description).toContain('los')
    expect(booking?.params.description).toContain('-40 dBm')
    expect(booking?.params.description).toContain(marie.ont)
    expect(fr.acts.get('sms-repair')?.params.text).toMatch(/^Gigafibre : bonjour Marie Tremblay, un technicien/)

    const en = walk(flow('no-internet'), emily, { diag: diag('los', { rxDbm: -40 }) })
    expect(en.acts.get('sms-repair')?.params.text).toMatch(/^Gigafibre: hello Emily Clarke, a technician/)
  })

  it('the second diagnosis is asked for as soon as the restart is read', () => {
    const def = flow('no-internet')
    let state = must(startRun(def, 'FLOW-no-internet-v1', marie, NOW, RUN), 'start').state
    const submit = (value?: unknown) => {
      const a = must(advance(def, state, { type: 'submit', step: state.current, value }, NOW, RUN), state.current)
      state = a.state
      return a
    }
    submit()
    const diagnose = submit()
    expect(diagnose.effect).toMatchObject({ type: 'check', step: 'diag', check: 'diagnose' })
    state = must(advance(def, state, { type: 'result', step: 'diag', value: diag('offline') }, NOW, RUN), 'diag').state
    submit('lit')
    submit('fine')
    expect(submit().effect).toMatchObject({ type: 'check', step: 'diag-again', check: 'diagnose' })
  })

  it('Back then Next on the booking asks for the same booking, never a second one', () => {
    const def = flow('no-internet')
    let state = must(startRun(def, 'FLOW-no-internet-v1', marie, NOW, RUN), 'start').state
    for (const id of ['greet', 'reassure'])
      state = must(advance(def, state, { type: 'submit', step: id }, NOW, RUN), id).state
    state = must(advance(def, state, { type: 'result', step: 'diag', value: diag('los') }, NOW, RUN), 'diag').state
    state = must(advance(def, state, { type: 'submit', step: 'fiber-fault' }, NOW, RUN), 'fiber-fault').state
    const first = must(advance(def, state, { type: 'submit', step: 'book-repair' }, NOW, RUN), 'book-repair')
    state = must(advance(def, state, { type: 'back', step: 'book-repair' }, NOW, RUN), 'back').state
    state = must(advance(def, state, { type: 'submit', step: 'fiber-fault' }, NOW, RUN), 'fiber-fault').state
    const again = must(advance(def, state, { type: 'submit', step: 'book-repair' }, NOW, RUN), 'book-repair')
    expect(again.effect).toEqual(first.effect)
    expect(again.effect).toMatchObject({ idempotencyKey: `${RUN}:book-repair` })
  })
})

describe('slow-wifi', () => {
  walks('slow-wifi', [
    {
      name: 'a poorly linked mesh unit gets placement advice, and a good speed near the borne is resolved',
      answers: { diag: online({ meshWeak: 1 }), 'speed-test': { download: 450 }, 'coverage-ask': 'fixed' },
      outcome: 'resolved',
      through: ['mesh-advice', 'speed-test', 'speed-ok', 'resolved'],
    },
    {
      name: 'a crowded Wi-Fi gets advice, and a speed far under the plan opens a ticket',
      answers: { diag: online({ wifiClients: 28 }), 'speed-test': { download: '40' } },
      outcome: 'escalated',
      through: ['crowded-advice', 'speed-low', 'ticket-speed'],
    },
    {
      name: 'a good speed with poor coverage books a Wi-Fi inspection',
      customer: { ...marie, plan: 'Giga 1000' },
      answers: { diag: online(), 'speed-test': { download: 350 }, 'coverage-ask': 'visit' },
      outcome: 'technician-booked',
      through: ['speed-ok', 'book-inspection'],
    },
    {
      name: 'what is slow on Giga 1000 is fine on Fibre 100',
      customer: { ...marie, plan: 'Fibre 100' },
      answers: { diag: online(), 'speed-test': { download: 70 }, 'coverage-ask': 'fixed' },
      outcome: 'resolved',
      through: ['speed-ok'],
    },
    {
      name: 'the same 70 Mbit/s on Giga 1000 is too low',
      customer: { ...marie, plan: 'Giga 1000' },
      answers: { diag: online(), 'speed-test': { download: 70 } },
      outcome: 'escalated',
      through: ['speed-low', 'ticket-speed'],
    },
    {
      name: 'a weak fiber signal books a repair',
      answers: { diag: diag('weak-fiber', { rxDbm: -27.6 }) },
      outcome: 'technician-booked',
      through: ['fiber-weak', 'book-repair'],
    },
    {
      name: 'a modem that does not answer opens a ticket',
      answers: { diag: diag('timeout') },
      outcome: 'escalated',
      through: ['modem-silent', 'ticket-modem'],
    },
  ])

  it('the inspection is booked as one, with the speed measured and the plan', () => {
    const w = walk(
      flow('slow-wifi'),
      { ...marie, plan: 'Giga 1000' },
      {
        diag: online({ wifiClients: 31 }),
        'speed-test': { download: 350 },
        'coverage-ask': 'visit',
      },
    )
    const booking = w.acts.get('book-inspection')
    expect(booking?.params).toMatchObject({ jobType: 'Inspection' })
    expect(booking?.params.description).toContain('350 Mbit/s')
    expect(booking?.params.description).toContain('Giga 1000')
    expect(booking?.params.description).toContain('31 appareils')
  })

  it('a speed under 0 or above 10 000 Mbit/s is refused, naming the field', () => {
    const def = flow('slow-wifi')
    const state: RunState = {
      ...must(startRun(def, 'FLOW-slow-wifi-v1', marie, NOW, RUN), 'start').state,
      current: 'speed-test',
    }
    for (const download of [-5, 20_000, 'vite']) {
      const a = advance(def, state, { type: 'submit', step: 'speed-test', value: { download } }, NOW, RUN)
      expect(a.ok).toBe(false)
      if (!a.ok) expect(a.problems[0]).toMatchObject({ step: 'speed-test', path: 'fields.download' })
    }
  })
})

describe('new-subscription', () => {
  const order = {
    plan: 'Fibre 500',
    customerName: 'Emily Clarke',
    phone: '(450) 555-0199',
    email: 'emily.clarke@example.com',
    language: 'en',
  }
  const sale: Answers = {
    'service-address': { address: newAddress },
    served: served(true),
    order,
    'install-date': { date: '2026-12-08' },
  }

  walks('new-subscription', [
    {
      name: 'a served address becomes a customer with an installation booked',
      customer: null,
      answers: sale,
      outcome: 'sold',
      through: ['plans', 'order', 'create-customer', 'install-date', 'book-install', 'sms-welcome'],
    },
    {
      name: 'an address the network does not reach ends without a customer',
      customer: null,
      answers: { 'service-address': { address: newAddress }, served: served(false) },
      outcome: 'cancelled',
      through: ['not-served', 'no-sale'],
    },
  ])

  it('creates the customer from the form, then books and texts the new customer in their language', () => {
    const w = walk(flow('new-subscription'), null, sale)
    const address = { line: '42, rue des Érables', city: 'Mirabel', postalCode: 'J7J 1A1' }
    expect(w.effects.find((e) => e.type === 'check')).toMatchObject({ check: 'address-served', params: { address } })
    expect(w.acts.get('create-customer')?.params).toEqual({
      customerName: 'Emily Clarke',
      phone: '(450) 555-0199',
      email: 'emily.clarke@example.com',
      language: 'en',
      address,
      plan: 'Fibre 500',
    })
    expect(w.acts.get('book-install')?.params).toMatchObject({ jobType: 'Installation', date: '2026-12-08' })
    expect(w.acts.get('sms-welcome')?.params.text).toMatch(/^Welcome to Gigafibre, Emily Clarke! Your Fibre 500 plan/)
    expect(w.state.context.customer?.name).toBe('CUST-00999')
  })

  it('sells the plans the catalogue sells, at their prices', () => {
    const def = flow('new-subscription')
    const orderStep = stepOf(def, 'order')
    const planField = orderStep?.kind === 'form' ? orderStep.fields.find((f) => f.name === 'plan') : undefined
    const catalogue = readFileSync(new URL('../../../server/embedded/seed/catalogue.ts', import.meta.url), 'utf8')
    expect(planField?.options?.length).toBe(3)
    for (const option of planField?.options ?? []) {
      const price = new RegExp(`plan: '${option.value}', price: (\\d+)`).exec(catalogue)?.[1]
      expect(price, option.value).toBeDefined()
      expect(option.label.fr).toContain(`${price} $`)
      expect(option.label.en).toContain(`$${price}`)
    }
  })

  it('refuses a contact it could not reach, naming the field', () => {
    const def = flow('new-subscription')
    const state: RunState = {
      ...must(startRun(def, 'FLOW-new-subscription-v1', null, NOW, RUN), 'start').state,
      current: 'order',
    }
    const a = advance(def, state, { type: 'submit', step: 'order', value: { ...order, phone: '555-01' } }, NOW, RUN)
    expect(a.ok).toBe(false)
    if (!a.ok) expect(a.problems.map((p) => p.path)).toEqual(['fields.phone'])
  })
})

describe('move', () => {
  const moving = { 'new-address': { address: newAddress, movingDate: '2027-01-01' } }

  walks('move', [
    {
      name: 'a served new address moves the plan and books the connection on moving day',
      answers: { ...moving, served: served(true) },
      outcome: 'technician-booked',
      through: ['served-yes', 'new-location', 'book-move', 'close-old', 'sms-move', 'moved'],
    },
    {
      name: 'an address not served, with someone staying, keeps the service',
      answers: { ...moving, served: served(false), 'not-served': 'keep' },
      outcome: 'resolved',
      through: ['note-keep', 'kept'],
    },
    {
      name: 'an address not served can end in a cancellation on moving day',
      answers: { ...moving, served: served(false), 'not-served': 'cancel' },
      outcome: 'cancelled',
      through: ['cancel-service', 'pickup', 'sms-cancel', 'cancelled'],
    },
    {
      name: 'a customer who hesitates is called back by retention',
      answers: { ...moving, served: served(false), 'not-served': 'think' },
      outcome: 'escalated',
      through: ['note-follow-up', 'follow-up'],
    },
  ])

  it('books the move at the new location, then closes the old one', () => {
    const w = walk(flow('move'), marie, { ...moving, served: served(true) })
    expect(w.acts.get('new-location')?.params).toEqual({
      address: { line: '42, rue des Érables', city: 'Mirabel', postalCode: 'J7J 1A1' },
      moveSubscription: true,
    })
    expect(w.acts.get('book-move')?.params).toMatchObject({
      jobType: 'Move',
      date: '2027-01-01',
      location: 'CREATE-LOCATION-new-location',
    })
    expect(w.acts.get('close-old')?.params).toEqual({ location: 'LOC-00042' })
    expect(w.acts.get('sms-move')?.params.text).toContain('le vendredi 1 janvier')
  })

  it('a cancellation on moving day ends the service that day and picks up the equipment', () => {
    const w = walk(flow('move'), marie, { ...moving, served: served(false), 'not-served': 'cancel' })
    expect(w.acts.get('cancel-service')?.params).toMatchObject({ endDate: '2027-01-01' })
    expect(w.acts.get('pickup')?.params).toMatchObject({ jobType: 'Removal', date: '2027-01-01' })
  })
})

describe('cancellation', () => {
  const lastDay = { 'last-day': { date: '2026-12-31', details: 'Trouve moins cher ailleurs.' } }

  walks('cancellation', [
    {
      name: 'a price-minded customer offered Fibre 100 who accepts is kept',
      answers: { reason: 'price', balance: balance(0), 'accept-plan': 'yes' },
      outcome: 'resolved',
      through: ['offer-plan', 'change-plan', 'kept'],
    },
    {
      name: 'a price-minded customer already on Fibre 100 is offered a discount instead',
      customer: { ...marie, plan: 'Fibre 100' },
      answers: { reason: 'price', balance: balance(0), 'accept-discount': 'yes' },
      outcome: 'resolved',
      through: ['offer-discount', 'note-discount', 'kept'],
    },
    {
      name: 'an unhappy customer with a balance hears it, then accepts a repair visit',
      answers: { reason: 'quality', balance: balance(129.9), 'accept-repair': 'yes' },
      outcome: 'technician-booked',
      through: ['balance-info', 'offer-repair', 'book-repair', 'repair-booked'],
    },
    {
      name: 'a customer who refuses the offer is cancelled and the equipment picked up',
      answers: { reason: 'quality', balance: balance(0), 'accept-repair': 'no', ...lastDay },
      outcome: 'cancelled',
      through: ['offer-repair', 'last-day', 'cancel-service', 'pickup', 'sms-cancel', 'cancelled'],
    },
    {
      name: 'a customer moving out of the territory gets no offer',
      answers: { reason: 'moving', balance: balance(0), ...lastDay },
      outcome: 'cancelled',
      through: ['last-day', 'cancel-service'],
    },
    {
      name: 'a customer with another reason may decide to stay',
      answers: { reason: 'other', balance: balance(0), confirm: 'stay' },
      outcome: 'resolved',
      through: ['confirm', 'note-stay', 'kept'],
    },
    {
      name: 'a customer with another reason who confirms is cancelled',
      answers: { reason: 'other', balance: balance(42), confirm: 'cancel', ...lastDay },
      outcome: 'cancelled',
      through: ['balance-info', 'confirm', 'last-day', 'cancelled'],
    },
  ])

  it('offers no retention step to a customer moving away', () => {
    const w = walk(flow('cancellation'), marie, { reason: 'moving', balance: balance(0), ...lastDay })
    expect(w.passed.filter((s) => s.startsWith('offer-') || s.startsWith('accept-'))).toEqual([])
  })

  it('switches to Fibre 100, or cancels on the last day with the pick-up that day', () => {
    const kept = walk(flow('cancellation'), marie, { reason: 'price', balance: balance(0), 'accept-plan': 'yes' })
    expect(kept.acts.get('change-plan')?.params).toEqual({ plan: 'Fibre 100' })

    const gone = walk(flow('cancellation'), emily, {
      reason: 'price',
      balance: balance(0),
      'accept-plan': 'no',
      ...lastDay,
    })
    expect(gone.acts.get('cancel-service')?.params).toMatchObject({ endDate: '2026-12-31' })
    expect(gone.acts.get('cancel-service')?.params.reason).toContain('Trouve moins cher ailleurs.')
    expect(gone.acts.get('pickup')?.params).toMatchObject({ jobType: 'Removal', date: '2026-12-31' })
    expect(gone.acts.get('sms-cancel')?.params.text).toContain('stays active until Thursday, December 31')
  })
})
