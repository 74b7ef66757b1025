// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { QLayout, QPageContainer } from 'quasar'
import { RouterView, createMemoryHistory, createRouter } from 'vue-router'
import { ApiError } from 'src/api/http'
import type { FlowVersionView } from 'src/contracts/flows/types'
import { mountWithApp } from 'src/testing/mountWithApp'
import FlowEditorPage from './FlowEditorPage.vue'
import { flowsAdminApi } from './flowsAdminApi'
import { MODEM_FLOW } from './testFlows'

// The BFF is replaced; everything else (validation, drawing, preview) is the page's own.
vi.mock('./flowsAdminApi', async (importOriginal) => {
  const real = await importOriginal<typeof import('./flowsAdminApi')>()
  return {
    ...real,
    flowsAdminApi: {
      versions: vi.fn(),
      createDraft: vi.fn(),
      save: vi.fn(),
      publish: vi.fn(),
      archive: vi.fn(),
      stats: vi.fn(),
    },
  }
})
const bff = vi.mocked(flowsAdminApi)

const published: FlowVersionView = {
  name: 'FLOW-modem-check-v1',
  key: 'modem-check',
  version: 1,
  status: 'Published',
  title: MODEM_FLOW.title,
  modified: '2026-11-20 10:00:00.000000',
  definition: { ...MODEM_FLOW, version: 1 },
}
const draft: FlowVersionView = {
  ...published,
  name: 'FLOW-modem-check-v2',
  version: 2,
  status: 'Draft',
  modified: '2026-11-30 09:00:00.000000',
  definition: MODEM_FLOW,
}

async function openEditor(versions: FlowVersionView[]) {
  bff.versions.mockResolvedValue(versions)
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/settings/flows', name: 'settings-flows', component: defineComponent(() => () => h('div')) },
      { path: '/settings/flows/:key', name: 'settings-flow', component: FlowEditorPage },
    ],
  })
  await router.push('/settings/flows/modem-check')
  await router.isReady()
  // The page as the app shows it: in the layout, under the router's view.
  const Shell = defineComponent(() => () => h(QLayout, () => h(QPageContainer, () => h(RouterView))))
  const wrapper = mountWithApp(Shell, { global: { plugins: [router] } })
  await flushPromises()
  return wrapper
}

const part = (testid: string) => document.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const all = (testid: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)]
const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
/** Quasar puts the test id on the field's own textarea. */
const textarea = () => part('flow-json') as HTMLTextAreaElement
const button = (testid: string) => part(testid)!.closest('button') ?? part(testid)!
const disabled = (testid: string) =>
  button(testid).hasAttribute('disabled') || button(testid).getAttribute('aria-disabled') === 'true'

async function type(value: string) {
  const el = textarea()
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}

beforeEach(() => {
  for (const fn of Object.values(bff)) fn.mockReset()
})

describe('FlowEditorPage', () => {
  it('opens the draft, checks the text as it is typed and names the step of a broken branch', async () => {
    await openEditor([published, draft])
    expect(part('flow-status')!.dataset.status).toBe('Draft')
    expect(textarea().value).toBe(JSON.stringify(MODEM_FLOW, null, 2))
    expect(text(part('flow-valid'))).toBe('Définition valide.')
    expect(disabled('flow-save')).toBe(true) // nothing changed yet

    await type(textarea().value.replace('"next": "booked"', '"next": "bookd"'))
    await vi.waitFor(() => expect(all('flow-problem')).not.toHaveLength(0))
    const problem = all('flow-problem').find((p) => p.dataset.step === 'book')!
    expect(text(problem)).toContain('Étape « book », next : l’étape « bookd » n’existe pas.')
    expect(disabled('flow-save')).toBe(true)
    expect(disabled('flow-publish')).toBe(true)
    // The drawing still shows the draft, with the missing step marked.
    expect(document.querySelector('[data-arrow="book->bookd"]')).not.toBeNull()

    problem.click()
    await flushPromises()
    const box = all('flow-diagram-step').find((b) => b.dataset.step === 'book')!
    expect(box.getAttribute('aria-pressed')).toBe('true')
    expect(box.classList.contains('troubled')).toBe(true)
  })

  it('saves a fixed draft with the version it was read at', async () => {
    await openEditor([published, draft])
    const changed = textarea().value.replace(
      '"Bonjour {customer.customer_name}."',
      '"Bonjour {customer.customer_name} !"',
    )
    await type(changed)
    await vi.waitFor(() => expect(disabled('flow-save')).toBe(false))
    bff.save.mockResolvedValue({ ...draft, modified: '2026-12-01 10:00:00.000000' })
    button('flow-save').click()
    await flushPromises()
    expect(bff.save).toHaveBeenCalledTimes(1)
    const [name, definition, modified] = bff.save.mock.calls[0]
    expect(name).toBe('FLOW-modem-check-v2')
    expect(modified).toBe('2026-11-30 09:00:00.000000')
    expect(definition.steps[0]).toMatchObject({ text: { fr: 'Bonjour {customer.customer_name} !' } })
    expect(disabled('flow-save')).toBe(true)
  })

  it('shows a published version read-only and makes a new draft of it', async () => {
    await openEditor([published])
    expect(part('flow-status')!.dataset.status).toBe('Published')
    expect(textarea().readOnly).toBe(true)
    expect(text(part('flow-read-only'))).toContain('« Modifier » en fait un nouveau brouillon (v2)')
    expect(part('flow-save')).toBeNull()

    bff.createDraft.mockResolvedValue(draft)
    bff.versions.mockResolvedValue([published, draft])
    button('flow-edit').click()
    await flushPromises()
    expect(bff.createDraft.mock.calls[0][0]).toMatchObject({ key: 'modem-check', version: 2 })
    expect(part('flow-status')!.dataset.status).toBe('Draft')
    expect(textarea().readOnly).toBe(false)
  })

  it('opens the existing draft when another one is refused', async () => {
    await openEditor([published])
    bff.createDraft.mockRejectedValue(
      new ApiError(
        409,
        'DRAFT_EXISTS',
        { fr: 'Un brouillon existe déjà.', en: 'A draft exists.' },
        { draft: draft.name },
      ),
    )
    bff.versions.mockResolvedValue([published, draft])
    button('flow-edit').click()
    await flushPromises()
    expect(part('flow-status')!.dataset.status).toBe('Draft')
    expect(part('flow-refusal')).toBeNull()
  })

  it('says when the flow does not exist', async () => {
    await openEditor([])
    expect(text(document.querySelector('.page-empty'))).toContain('Aucun parcours « modem-check ».')
  })
})
