// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { FlowDefinition, RunState } from 'src/contracts/flows/types'
import type { Locale } from 'src/i18n'
import { mountWithApp } from 'src/testing/mountWithApp'
import FlowStepView from './FlowStepView.vue'

/** A small call with one step of each kind. */
const definition: FlowDefinition = {
  key: 'demo',
  version: 3,
  title: { fr: 'Démonstration', en: 'Demo' },
  audience: 'customer',
  start: 'greet',
  steps: [
    {
      id: 'greet',
      kind: 'say',
      title: { fr: 'Accueil', en: 'Greeting' },
      text: {
        fr: 'Bonjour {customer.customer_name}, merci d’appeler.',
        en: 'Hello {customer.customer_name}, thanks for calling.',
      },
      next: 'lights',
    },
    {
      id: 'lights',
      kind: 'ask',
      title: { fr: 'Voyants', en: 'Lights' },
      question: { fr: 'Quels voyants sont allumés ?', en: 'Which lights are on?' },
      options: [
        { value: 'none', label: { fr: 'Aucun', en: 'None' }, goto: 'contact' },
        { value: 'red', label: { fr: 'Rouge', en: 'Red' }, goto: 'diag' },
        { value: 'green', label: { fr: 'Vert', en: 'Green' }, goto: 'done' },
      ],
    },
    {
      id: 'contact',
      kind: 'form',
      title: { fr: 'Coordonnées', en: 'Contact' },
      text: { fr: 'Où joindre le client ?', en: 'Where to reach the customer?' },
      fields: [
        {
          name: 'phone',
          type: 'phone',
          label: { fr: 'Téléphone', en: 'Phone' },
          required: true,
          default: '{customer.mobile_no}',
        },
        { name: 'email', type: 'email', label: { fr: 'Courriel', en: 'E-mail' } },
        { name: 'address', type: 'address', label: { fr: 'Adresse', en: 'Address' } },
        {
          name: 'when',
          type: 'select',
          label: { fr: 'Moment', en: 'When' },
          options: [
            { value: 'am', label: { fr: 'Matin', en: 'Morning' } },
            { value: 'pm', label: { fr: 'Après-midi', en: 'Afternoon' } },
          ],
        },
      ],
      next: 'diag',
    },
    {
      id: 'diag',
      kind: 'check',
      title: { fr: 'Diagnostic', en: 'Diagnosis' },
      check: 'diagnose',
      next: 'ticket',
    },
    {
      id: 'ticket',
      kind: 'act',
      title: { fr: 'Billet', en: 'Ticket' },
      action: 'open-ticket',
      params: { subject: 'Pas d’Internet' },
      text: {
        fr: 'J’ouvre un billet pour {customer.customer_name}.',
        en: 'I am opening a ticket for {customer.customer_name}.',
      },
      next: 'done',
    },
    {
      id: 'done',
      kind: 'end',
      title: { fr: 'Conclusion', en: 'Closing' },
      outcome: 'escalated',
      text: { fr: 'Le billet est ouvert.', en: 'The ticket is open.' },
    },
  ],
}

const customer = { name: 'CUST-00042', customer_name: 'Julie Tremblay', mobile_no: '514-555-0199' }

function stateAt(current: string, over: Partial<RunState> = {}): RunState {
  return {
    flow: 'FLOW-demo-v3',
    key: 'demo',
    version: 3,
    status: 'In Progress',
    current,
    history: [],
    context: { customer, values: {} },
    stepStartedAt: 0,
    ...over,
  }
}

function show(state: RunState, extra: Record<string, unknown> = {}, locale: Locale = 'fr') {
  return mountWithApp(FlowStepView, { locale, props: { definition, state, ...extra } })
}

const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
/** What a screen reader hears of an element: its text, without what is hidden from it. */
function spoken(el: Element): string {
  const copy = el.cloneNode(true) as Element
  copy.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove())
  return text(copy)
}
const key = (el: Element, k: string, init: KeyboardEventInit = {}) =>
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init }))

describe('FlowStepView: one step of a call, as the rep reads it', () => {
  it('reads a script with the customer’s name filled in, under the step’s title, and goes on with Suivant', async () => {
    const wrapper = show(stateAt('greet'))
    await flushPromises()
    const region = wrapper.get('[data-testid="flow-step"]')
    expect(region.attributes('aria-live')).toBe('polite')
    expect(region.attributes('data-kind')).toBe('say')
    const heading = wrapper.get('h3')
    expect(heading.text()).toBe('Accueil')
    expect(region.attributes('aria-labelledby')).toBe(heading.attributes('id'))
    expect(text(wrapper.get('[data-testid="flow-text"]').element)).toBe('Bonjour Julie Tremblay, merci d’appeler.')
    // The first step: nothing to go back to.
    expect(wrapper.find('[data-testid="flow-back"]').exists()).toBe(false)

    await wrapper.get('[data-testid="flow-primary"]').trigger('click')
    expect(wrapper.emitted('submit')).toEqual([[]])
  })

  it('takes the focus on its main button, so Enter goes on', async () => {
    const wrapper = show(stateAt('greet'))
    await flushPromises()
    expect(document.activeElement?.closest('[data-testid="flow-primary"]')).not.toBeNull()
    // Enter on the step itself (the heading focused) goes on too.
    key(wrapper.get('h3').element, 'Enter')
    expect(wrapper.emitted('submit')).toEqual([[]])
  })

  it('asks a question with one button per answer; a digit key picks the answer', async () => {
    const wrapper = show(stateAt('lights', { history: ['greet'] }))
    await flushPromises()
    expect(text(wrapper.get('[data-testid="flow-question"]').element)).toBe('Quels voyants sont allumés ?')
    const options = wrapper.findAll('[data-testid="flow-option"]')
    expect(options.map((o) => spoken(o.element))).toEqual(['Aucun', 'Rouge', 'Vert'])
    expect(options.map((o) => o.get('.flow-key').text())).toEqual(['1', '2', '3'])
    expect(options[1].attributes('aria-keyshortcuts')).toBe('2')

    key(wrapper.get('[data-testid="flow-step"]').element, '2')
    expect(wrapper.emitted('submit')).toEqual([['red']])
    await options[2].trigger('click')
    expect(wrapper.emitted('submit')).toEqual([['red'], ['green']])
    // No answer for a digit beyond the options.
    key(wrapper.get('[data-testid="flow-step"]').element, '7')
    expect(wrapper.emitted('submit')).toHaveLength(2)
  })

  it('gives a form typed fields, filled from the customer, and the first field the focus', async () => {
    const wrapper = show(stateAt('contact', { history: ['greet', 'lights'] }))
    await flushPromises()
    const phone = wrapper.get('[data-field="phone"] input')
    expect((phone.element as HTMLInputElement).value).toBe('514-555-0199')
    expect(phone.attributes('type')).toBe('tel')
    expect(wrapper.get('[data-field="email"] input').attributes('type')).toBe('email')
    expect(wrapper.find('[data-testid="flow-input-address-postalCode"]').exists()).toBe(true)
    expect(wrapper.find('[data-field="when"] .q-select').exists()).toBe(true)
    expect(document.activeElement).toBe(phone.element)
  })

  it('refuses a wrong phone number with a sentence under the field, and sends the form once it is right', async () => {
    const wrapper = show(stateAt('contact', { history: ['greet', 'lights'] }))
    await flushPromises()
    const phone = wrapper.get('[data-field="phone"] input')
    await phone.setValue('555-01')
    await wrapper.get('[data-testid="flow-primary"]').trigger('click')
    await flushPromises()
    expect(wrapper.emitted('submit')).toBeUndefined()
    expect(text(wrapper.get('[data-field="phone"]').element)).toContain('Numéro de téléphone invalide : 10 chiffres.')
    expect(wrapper.get('[data-field="phone"] input').attributes('aria-invalid')).toBe('true')

    // A postal code that is not Canadian is named too.
    await wrapper.get('[data-testid="flow-input-address-line"]').setValue('12 rue Principale')
    await wrapper.get('[data-testid="flow-input-address-city"]').setValue('Sherbrooke')
    await wrapper.get('[data-testid="flow-input-address-postalCode"]').setValue('90210')
    await flushPromises()
    expect(text(wrapper.get('[data-field="address"]').element)).toContain('Code postal invalide (ex. : H2X 1Y4).')

    await wrapper.get('[data-testid="flow-input-address-postalCode"]').setValue('j1h 2k3')
    await phone.setValue('(819) 555-0142')
    // Enter in a field sends the form.
    await phone.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('submit')).toEqual([
      [
        {
          phone: '(819) 555-0142',
          email: '',
          address: { line: '12 rue Principale', city: 'Sherbrooke', postalCode: 'j1h 2k3' },
          when: null,
        },
      ],
    ])
  })

  it('keeps what was typed when the rep comes back to a form', async () => {
    const values = { contact: { phone: '4505550101', email: 'julie@example.ca', when: 'pm' } }
    const wrapper = show(stateAt('contact', { history: ['greet', 'lights'], context: { customer, values } }))
    await flushPromises()
    expect((wrapper.get('[data-field="phone"] input').element as HTMLInputElement).value).toBe('4505550101')
    expect((wrapper.get('[data-field="email"] input').element as HTMLInputElement).value).toBe('julie@example.ca')
    expect(text(wrapper.get('[data-field="when"]').element)).toContain('Après-midi')
  })

  it('goes back with Retour or Alt+←, and only when there is a step to go back to', async () => {
    const wrapper = show(stateAt('contact', { history: ['greet', 'lights'] }))
    await flushPromises()
    await wrapper.get('[data-testid="flow-back"]').trigger('click')
    const event = new KeyboardEvent('keydown', { key: 'ArrowLeft', altKey: true, bubbles: true, cancelable: true })
    wrapper.get('[data-field="phone"] input').element.dispatchEvent(event)
    expect(wrapper.emitted('back')).toHaveLength(2)
    // Not the browser's Back, which would leave the page.
    expect(event.defaultPrevented).toBe(true)
  })

  it('says what a check looks at, and its answer when there is one', async () => {
    const summary = { fr: 'Aucune lumière n’arrive au modem.', en: 'No light reaches the modem.' }
    const wrapper = show(
      stateAt('diag', { history: ['greet'], context: { customer, values: { diag: { status: 'los', summary } } } }),
    )
    await flushPromises()
    expect(text(wrapper.get('[data-testid="flow-step"]').element)).toContain('Vérification : Diagnostiquer le modem.')
    expect(text(wrapper.get('[data-testid="flow-result"]').element)).toBe('Aucune lumière n’arrive au modem.')
    expect(text(wrapper.get('[data-testid="flow-primary"]').element)).toContain('Vérifier de nouveau')
  })

  it('shows what an action will do with an Exécuter button; busy, it waits', async () => {
    const wrapper = show(stateAt('ticket', { history: ['greet'] }))
    await flushPromises()
    expect(text(wrapper.get('[data-testid="flow-text"]').element)).toBe('J’ouvre un billet pour Julie Tremblay.')
    expect(text(wrapper.get('[data-testid="flow-step"]').element)).toContain('Action : Ouvrir un billet')
    const run = wrapper.get('[data-testid="flow-primary"]')
    expect(text(run.element)).toContain('Exécuter')
    await run.trigger('click')
    expect(wrapper.emitted('submit')).toEqual([[]])

    await wrapper.setProps({ busy: true })
    key(wrapper.get('h3').element, 'Enter')
    await wrapper.get('[data-testid="flow-primary"]').trigger('click')
    expect(wrapper.emitted('submit')).toHaveLength(1)
    expect(wrapper.get('[data-testid="flow-step"]').attributes('aria-busy')).toBe('true')
  })

  it('says why an action failed and tries again on Réessayer', async () => {
    const failure = {
      step: 'ticket',
      message: { fr: 'ERPNext ne répond pas. Réessayez dans un instant.', en: 'ERPNext is not answering.' },
      retryable: true,
    }
    const wrapper = show(stateAt('ticket', { history: ['greet'] }), { failure })
    await flushPromises()
    const banner = wrapper.get('[data-testid="flow-failure"]')
    expect(banner.attributes('role')).toBe('alert')
    expect(text(banner.element)).toContain('ERPNext ne répond pas. Réessayez dans un instant.')
    await wrapper.get('[data-testid="flow-retry"]').trigger('click')
    expect(wrapper.emitted('retry')).toHaveLength(1)
  })

  it('ends with the outcome and the closing words, and nothing more to press', async () => {
    const wrapper = show(stateAt('done', { history: ['greet', 'ticket'], status: 'Completed', outcome: 'escalated' }))
    await flushPromises()
    expect(text(wrapper.get('[data-testid="flow-outcome"]').element)).toBe('Dossier transmis')
    expect(text(wrapper.get('[data-testid="flow-text"]').element)).toBe('Le billet est ouvert.')
    expect(wrapper.find('[data-testid="flow-primary"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="flow-back"]').exists()).toBe(false)
  })

  it('speaks English to a rep who works in English', async () => {
    const wrapper = show(stateAt('ticket', { history: ['greet'] }), {}, 'en')
    await flushPromises()
    expect(wrapper.get('h3').text()).toBe('Ticket')
    expect(text(wrapper.get('[data-testid="flow-text"]').element)).toBe('I am opening a ticket for Julie Tremblay.')
    expect(text(wrapper.get('[data-testid="flow-primary"]').element)).toContain('Execute')
    expect(text(wrapper.get('[data-testid="flow-back"]').element)).toContain('Back')
  })

  it('moves the focus to the new step when the run moves on, but not in the admin’s preview before it is used', async () => {
    const outside = document.createElement('button')
    document.body.appendChild(outside)
    outside.focus()
    const wrapper = show(stateAt('greet'), { preview: true })
    await flushPromises()
    expect(document.activeElement).toBe(outside)
    wrapper.get('[data-testid="flow-step"]').element.dispatchEvent(new Event('focusin', { bubbles: true }))
    await wrapper.setProps({ state: stateAt('contact', { history: ['greet', 'lights'] }) })
    await flushPromises()
    expect(document.activeElement).toBe(wrapper.get('[data-field="phone"] input').element)
    outside.remove()
  })
})
