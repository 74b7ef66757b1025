// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { api, ApiError } from 'src/api/http'
import { mountWithApp } from 'src/testing/mountWithApp'
import FlowPicker from './FlowPicker.vue'
import { useFlowCatalogue } from './useFlowCatalogue'

vi.mock('src/api/http', async (importOriginal) => ({
  ...(await importOriginal<typeof import('src/api/http')>()),
  api: vi.fn(),
}))
const bff = vi.mocked(api)

const CUSTOMER = 'CUST-00042'
const noInternet = {
  key: 'no-internet',
  version: 1,
  flow: 'FLOW-no-internet-v1',
  title: { fr: 'Pas d’Internet', en: 'No Internet' },
  description: { fr: 'Le client n’a plus Internet.', en: 'The customer has no Internet.' },
  audience: 'customer',
}

/** The picker as the customer's page holds it: with the page's list of flows. */
const Host = defineComponent({
  emits: ['started'],
  setup(_, { emit }) {
    const catalogue = useFlowCatalogue(() => CUSTOMER)
    return () => h(FlowPicker, { customer: CUSTOMER, catalogue, onStarted: (v: unknown) => emit('started', v) })
  },
})

const menu = () => document.querySelector<HTMLElement>('[data-testid="flow-picker"]')
const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()

async function openMenu() {
  const wrapper = mountWithApp(Host)
  await wrapper.get('[data-testid="action-flows"]').trigger('click')
  await flushPromises()
  return wrapper
}

beforeEach(() => bff.mockReset())

describe('FlowPicker: the flows that fit this customer', () => {
  it('lists each flow with what it is for, and starts the one chosen', async () => {
    const run = { name: 'RUN-2026-00001' }
    bff.mockImplementation(async (path: string) => (path === '/flows' ? { flows: [noInternet], open: [] } : run))
    const wrapper = await openMenu()
    expect(bff).toHaveBeenCalledWith('/flows', expect.objectContaining({ query: { customer: CUSTOMER } }))
    const choice = menu()!.querySelector<HTMLElement>('[data-testid="flow-choice"]')!
    expect(text(choice)).toContain('Pas d’Internet')
    expect(text(choice)).toContain('Le client n’a plus Internet.')
    choice.click()
    await flushPromises()
    expect(bff).toHaveBeenCalledWith('/flows/runs', {
      method: 'POST',
      body: { key: 'no-internet', customer: CUSTOMER },
    })
    expect(wrapper.emitted('started')).toEqual([[run]])
  })

  it('says so when no flow applies to this customer', async () => {
    bff.mockResolvedValue({ flows: [], open: [] })
    await openMenu()
    expect(text(menu()!.querySelector('[data-testid="flow-picker-empty"]'))).toBe(
      'Aucun parcours ne s’applique à ce client.',
    )
  })

  it('says why the list cannot be read, and reads it again on Réessayer', async () => {
    bff.mockRejectedValueOnce(
      new ApiError(502, 'UPSTREAM', { fr: 'Un service ne répond pas. Réessayez dans un instant.', en: 'Down.' }),
    )
    await openMenu()
    const error = menu()!.querySelector<HTMLElement>('[data-testid="flow-picker-error"]')!
    expect(text(error)).toContain('Un service ne répond pas.')
    bff.mockResolvedValue({ flows: [noInternet], open: [] })
    error.querySelector<HTMLElement>('button')!.click()
    await flushPromises()
    expect(menu()!.querySelectorAll('[data-testid="flow-choice"]')).toHaveLength(1)
  })
})
