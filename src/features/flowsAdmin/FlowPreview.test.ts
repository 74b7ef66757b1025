// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { mountWithApp } from 'src/testing/mountWithApp'
import FlowPreview from './FlowPreview.vue'
import { MODEM_FLOW } from './testFlows'

const part = (testid: string) => document.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const all = (testid: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`)]
const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
async function click(el: HTMLElement | null | undefined) {
  expect(el).toBeTruthy()
  el!.click()
  await flushPromises()
}
const step = () => part('flow-step')!.dataset.step

describe('FlowPreview', () => {
  it('runs a draft to its end with a simulated check and action, sending nothing', async () => {
    mountWithApp(FlowPreview, { props: { definition: MODEM_FLOW } })
    await flushPromises()
    expect(text(part('flow-preview-customer'))).toContain('Marie Tremblay')
    expect(step()).toBe('hello')
    expect(text(part('flow-text'))).toBe('Bonjour Marie Tremblay.')

    await click(part('flow-primary'))
    expect(step()).toBe('diag')
    expect(text(part('flow-preview-check'))).toContain('Diagnostiquer le modem')
    const results = all('flow-preview-check-result')
    expect(results.map((b) => b.dataset.result)).toEqual(
      expect.arrayContaining(['online', 'offline', 'los', 'weak-fiber', 'timeout']),
    )

    await click(results.find((b) => b.dataset.result === 'los'))
    expect(step()).toBe('book')
    expect(part('flow-preview-check')).toBeNull()

    await click(part('flow-primary'))
    expect(step()).toBe('booked')
    expect(part('flow-preview-ended')!.dataset.outcome).toBe('technician-booked')
    expect(text(part('flow-preview-ended'))).toContain('Technicien réservé')
    expect(all('flow-preview-path').flatMap((p) => [...p.querySelectorAll('li')].map((li) => li.textContent))).toEqual([
      'Accueil',
      'Diagnostic',
      'Technicien',
      'Réservé',
    ])
  })

  it('walks another branch after starting over', async () => {
    mountWithApp(FlowPreview, { props: { definition: MODEM_FLOW } })
    await flushPromises()
    await click(part('flow-primary'))
    await click(all('flow-preview-check-result').find((b) => b.dataset.result === 'offline'))
    expect(step()).toBe('restart')
    await click(all('flow-option').find((b) => b.dataset.value === 'yes'))
    await click(all('flow-preview-check-result').find((b) => b.dataset.result === 'online'))
    expect(part('flow-preview-ended')!.dataset.outcome).toBe('resolved')

    await click(part('flow-preview-restart'))
    expect(step()).toBe('hello')
    expect(part('flow-preview-ended')).toBeNull()
  })

  it('waits for a valid definition', () => {
    mountWithApp(FlowPreview, { props: { definition: null } })
    expect(text(part('flow-preview-invalid'))).toContain('Corrigez les problèmes')
    expect(part('flow-step')).toBeNull()
  })
})
