// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { ApiError } from 'src/api/http'
import { useUserGroups } from 'src/auth/useUserGroups'
import type { Capability } from 'src/contracts/capabilities'
import { advance, startRun } from 'src/contracts/flows/interpreter'
import type { ActResult, FlowDefinition, FlowEvent, RunView, StepRecord } from 'src/contracts/flows/types'
import { mountWithApp } from 'src/testing/mountWithApp'
import FlowPanel from './FlowPanel.vue'
import type { FlowRunTransport } from './useFlowRun'

const definition: FlowDefinition = {
  key: 'no-internet',
  version: 2,
  title: { fr: 'Pas d’Internet', en: 'No Internet' },
  audience: 'customer',
  start: 'greet',
  steps: [
    {
      id: 'greet',
      kind: 'say',
      title: { fr: 'Accueil', en: 'Greeting' },
      text: { fr: 'Bonjour {customer.customer_name}.', en: 'Hello {customer.customer_name}.' },
      next: 'diag',
    },
    { id: 'diag', kind: 'check', title: { fr: 'Diagnostic', en: 'Diagnosis' }, check: 'diagnose', next: 'explain' },
    {
      id: 'explain',
      kind: 'say',
      title: { fr: 'Explication', en: 'Explanation' },
      text: { fr: 'Le signal est perdu.', en: 'The signal is lost.' },
      next: 'ticket',
    },
    {
      id: 'ticket',
      kind: 'act',
      title: { fr: 'Ouvrir le billet', en: 'Open the ticket' },
      action: 'open-ticket',
      params: { subject: 'Pas d’Internet' },
      next: 'done',
    },
    { id: 'done', kind: 'end', title: { fr: 'Conclusion', en: 'Closing' }, outcome: 'escalated' },
  ],
}

const RUN = 'RUN-2026-00042'
const CUSTOMER = 'CUST-00042'
const customer = { name: CUSTOMER, customer_name: 'Julie Tremblay', ont: 'GPON1A2B3C4D' }
const diagnosis = { status: 'los', summary: { fr: 'Aucune lumière n’arrive au modem.', en: 'No light.' } }
const ticket: ActResult = {
  doctype: 'Issue',
  name: 'ISS-2026-00077',
  summary: { fr: 'Billet ISS-2026-00077 ouvert.', en: 'Ticket ISS-2026-00077 opened.' },
}

/**
 * The BFF as the panel sees it, over the real interpreter: checks answer at once, an action
 * answers with `ticket` unless told to fail, and each action is performed once per step.
 */
class FakeBff implements FlowRunTransport {
  view: RunView
  sent: FlowEvent[] = []
  performed: string[] = []
  failNextAction: ApiError | { fr: string; en: string } | null = null
  /** While set, answers wait for it. */
  gate: Promise<void> | null = null
  loadRefusal: ApiError | null = null
  now = 1_000

  constructor(current = 'greet') {
    const start = startRun(definition, 'FLOW-no-internet-v2', customer, this.now, RUN)
    if (!start.ok) throw new Error('start')
    this.view = { name: RUN, customer: CUSTOMER, agent: 'csr@gigafibre.ca', state: start.state, definition, events: [] }
    while (this.view.state.current !== current) this.apply({ type: 'submit', step: this.view.state.current })
  }

  async get(): Promise<RunView> {
    if (this.loadRefusal) throw this.loadRefusal
    return structuredClone(this.view)
  }

  async send(_name: string, event: FlowEvent): Promise<RunView> {
    this.sent.push(event)
    if (this.gate) await this.gate
    return this.apply(event)
  }

  private apply(event: FlowEvent): RunView {
    const view = this.view
    const next = advance(definition, view.state, event, ++this.now, RUN)
    if (!next.ok) throw new ApiError(409, 'FLOW_REFUSED', next.problems[0].message)
    const events: StepRecord[] = [...view.events, ...(next.record ? [next.record] : [])]
    let state = next.state
    let effect = next.effect
    while (effect) {
      let value: unknown = diagnosis
      if (effect.type === 'act') {
        const failure = this.failNextAction
        this.failNextAction = null
        if (failure instanceof ApiError) throw failure
        if (failure) {
          this.view = { ...view, state, events, failure: { step: effect.step, message: failure, retryable: true } }
          return structuredClone(this.view)
        }
        this.performed.push(effect.idempotencyKey)
        value = ticket
      }
      const done = advance(definition, state, { type: 'result', step: effect.step, value }, ++this.now, RUN)
      if (!done.ok) throw new Error('result')
      if (done.record) events.push(done.record)
      state = done.state
      effect = done.effect
    }
    this.view = { ...view, state, events, failure: undefined }
    return structuredClone(this.view)
  }
}

let router: Router

function signIn(capabilities: Capability[] = ['clients:view', 'clients:edit', 'flows:run', 'dispatch:view']) {
  const session = useUserGroups()
  session.me = {
    email: 'csr@gigafibre.ca',
    name: 'Camille',
    username: 'camille',
    groups: ['ops-csr'],
    capabilities,
    technician: null,
    demo: true,
  }
  session.state = 'signed-in'
}

beforeEach(async () => {
  setActivePinia(createPinia())
  signIn()
  const Blank = { render: () => null }
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Blank },
      { path: '/clients/:name', name: 'client', component: Blank },
      { path: '/dispatch', name: 'dispatch', component: Blank },
    ],
  })
  await router.push('/')
})

function showPanel(bff: FakeBff, props: Record<string, unknown> = {}) {
  return mountWithApp(FlowPanel, {
    props: { run: RUN, customer: CUSTOMER, transport: bff, ...props },
    global: { plugins: [router] },
  })
}

const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
const region = () => document.querySelector<HTMLElement>('[data-testid="flow-step"]')!
const primary = () => document.querySelector<HTMLElement>('[data-testid="flow-primary"]')!

describe('FlowPanel: following a flow beside the customer’s file', () => {
  it('shows the flow’s title and version, the steps passed with what they found, the step on screen and what comes next', async () => {
    const bff = new FakeBff('explain')
    const wrapper = showPanel(bff)
    await flushPromises()
    expect(text(wrapper.get('[data-testid="flow-title"]').element)).toBe('Pas d’Internet v2')
    const line = (li: Element) => [...li.querySelectorAll(':scope > span')].map(text).join(' ')
    expect(wrapper.findAll('[data-testid="flow-passed"]').map((p) => line(p.element))).toEqual([
      'Accueil',
      'Diagnostic — Aucune lumière n’arrive au modem.',
    ])
    const current = wrapper.get('[data-testid="flow-current"]')
    expect(current.attributes('aria-current')).toBe('step')
    expect(text(current.element)).toContain('Explication')
    expect(text(wrapper.get('[data-testid="flow-upcoming"]').element)).toContain('Ensuite : Ouvrir le billet')
    expect(region().dataset.step).toBe('explain')
  })

  it('sends each step to the BFF as it is taken, and a double click sends it once', async () => {
    const bff = new FakeBff('greet')
    let open!: () => void
    bff.gate = new Promise((resolve) => (open = resolve))
    showPanel(bff)
    await flushPromises()
    primary().click()
    primary().click()
    await flushPromises()
    expect(region().getAttribute('aria-busy')).toBe('true')
    bff.gate = null
    open()
    await flushPromises()
    expect(bff.sent).toEqual([{ type: 'submit', step: 'greet' }])
    // The check ran on the way: the rep lands on the explanation.
    expect(region().dataset.step).toBe('explain')
  })

  it('keeps the rep on a failed action with the BFF’s sentence; Réessayer performs it once and goes on', async () => {
    const bff = new FakeBff('ticket')
    bff.failNextAction = { fr: 'ERPNext ne répond pas. Réessayez dans un instant.', en: 'ERPNext is not answering.' }
    const wrapper = showPanel(bff)
    await flushPromises()
    primary().click()
    await flushPromises()
    expect(region().dataset.step).toBe('ticket')
    expect(text(document.querySelector('[data-testid="flow-failure"]'))).toContain('ERPNext ne répond pas.')
    expect(wrapper.emitted('changed')).toBeUndefined()

    document.querySelector<HTMLElement>('[data-testid="flow-retry"]')!.click()
    await flushPromises()
    expect(bff.sent).toEqual([
      { type: 'submit', step: 'ticket' },
      { type: 'submit', step: 'ticket' },
    ])
    expect(bff.performed).toEqual([`${RUN}:ticket`])
    expect(document.querySelector('[data-testid="flow-failure"]')).toBeNull()
    expect(wrapper.get('[data-testid="flow-panel"]').attributes('data-status')).toBe('Completed')
    // The file beside is told what was created, so its tickets panel shows it at once.
    expect(wrapper.emitted('changed')).toEqual([
      [[expect.objectContaining({ doctype: 'Issue', name: 'ISS-2026-00077' })]],
    ])
  })

  it('says why the BFF refused an action (the rep’s role), on the step, with nothing lost', async () => {
    const bff = new FakeBff('ticket')
    bff.failNextAction = new ApiError(403, 'FORBIDDEN', {
      fr: 'Vous n’avez pas la capacité d’ouvrir un billet : demandez à un administrateur.',
      en: 'You may not open a ticket: ask an administrator.',
    })
    showPanel(bff)
    await flushPromises()
    primary().click()
    await flushPromises()
    const failure = document.querySelector<HTMLElement>('[data-testid="flow-failure"]')!
    expect(text(failure)).toContain('Vous n’avez pas la capacité d’ouvrir un billet')
    expect(failure.dataset.retryable).toBe('false')
    expect(region().dataset.step).toBe('ticket')
    expect(bff.view.state.context.values.diag).toEqual(diagnosis)
  })

  it('ends with the outcome and what was created, linked: the ticket opens the file’s tickets panel', async () => {
    const bff = new FakeBff('ticket')
    const wrapper = showPanel(bff)
    const tickets = document.createElement('div')
    tickets.dataset.testid = 'panel-tickets'
    document.body.appendChild(tickets)
    await flushPromises()
    primary().click()
    await flushPromises()
    expect(text(document.querySelector('[data-testid="flow-outcome"]'))).toBe('Dossier transmis')
    const item = wrapper.get('[data-testid="flow-created-item"]')
    expect(item.attributes('data-name')).toBe('ISS-2026-00077')
    expect(text(item.element)).toContain('Billet ISS-2026-00077')
    expect(text(item.element)).toContain('Billet ISS-2026-00077 ouvert.')
    await item.trigger('click')
    expect(document.activeElement).toBe(tickets)
    tickets.remove()

    await wrapper.get('[data-testid="flow-close"]').trigger('click')
    expect(wrapper.emitted('close')).toHaveLength(1)
    expect(wrapper.find('[data-testid="flow-abandon"]').exists()).toBe(false)
  })

  it('abandons only once the rep confirms', async () => {
    const bff = new FakeBff('explain')
    const wrapper = showPanel(bff)
    await flushPromises()
    await wrapper.get('[data-testid="flow-abandon"]').trigger('click')
    await flushPromises()
    const dialog = document.querySelector<HTMLElement>('.q-dialog')!
    expect(text(dialog)).toContain('Abandonner ce parcours ?')
    expect(bff.sent).toEqual([])
    const confirm = [...dialog.querySelectorAll<HTMLElement>('button')].find((b) => text(b) === 'Abandonner')!
    confirm.click()
    await flushPromises()
    expect(bff.sent).toEqual([{ type: 'abandon' }])
    expect(wrapper.get('[data-testid="flow-panel"]').attributes('data-status')).toBe('Abandoned')
    expect(text(wrapper.get('[data-testid="flow-ended"]').element)).toBe('Ce parcours a été abandonné.')
  })

  it('Quitter leaves the run as it is, to be resumed later', async () => {
    const bff = new FakeBff('explain')
    const wrapper = showPanel(bff)
    await flushPromises()
    await wrapper.get('[data-testid="flow-quit"]').trigger('click')
    expect(wrapper.emitted('close')).toHaveLength(1)
    expect(bff.sent).toEqual([])
  })

  it('follows the run to its customer when it belongs to another file (a customer just created)', async () => {
    const bff = new FakeBff('explain')
    const wrapper = showPanel(bff, { customer: null })
    await flushPromises()
    expect(wrapper.emitted('customer')).toEqual([[CUSTOMER]])
  })

  it('says why the run cannot be read, and reads it again on Réessayer', async () => {
    const bff = new FakeBff('explain')
    bff.loadRefusal = new ApiError(0, 'NETWORK', {
      fr: 'Pas de connexion au serveur. Vérifiez le réseau puis réessayez.',
      en: 'No connection to the server.',
    })
    const wrapper = showPanel(bff)
    await flushPromises()
    const banner = wrapper.get('[data-testid="flow-load-error"]')
    expect(text(banner.element)).toContain('Pas de connexion au serveur.')
    bff.loadRefusal = null
    await banner.findAll('button')[0].trigger('click')
    await flushPromises()
    expect(region().dataset.step).toBe('explain')
  })
})
