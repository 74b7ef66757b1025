// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { flowEdges } from 'src/contracts/flows/graph'
import { mountWithApp } from 'src/testing/mountWithApp'
import FlowDiagram from './FlowDiagram.vue'
import { MODEM_FLOW } from './testFlows'

const boxes = () => [...document.querySelectorAll<SVGGElement>('[data-testid="flow-diagram-step"]')]
const box = (id: string) => boxes().find((b) => b.dataset.step === id)!

describe('FlowDiagram', () => {
  it('draws a focusable, labelled box per step and an arrow per branch', () => {
    mountWithApp(FlowDiagram, { props: { definition: MODEM_FLOW, selected: null } })
    expect(
      boxes()
        .map((b) => b.dataset.step)
        .sort(),
    ).toEqual(MODEM_FLOW.steps.map((s) => s.id).sort())
    expect(boxes().every((b) => b.getAttribute('tabindex') === '0' && b.getAttribute('role') === 'button')).toBe(true)
    const arrows = [...document.querySelectorAll('[data-arrow]')].map((a) => a.getAttribute('data-arrow'))
    expect(arrows).toEqual(flowEdges(MODEM_FLOW).map((e) => `${e.from}->${e.to}`))

    expect(box('hello').getAttribute('aria-label')).toBe('Dire « Accueil », première étape, mène à Diagnostic')
    expect(box('diag').getAttribute('aria-label')).toContain('Vérification · Diagnostiquer le modem « Diagnostic »')
    expect(box('diag').getAttribute('aria-label')).toContain('Redémarrage (sinon)')
    expect(box('booked').textContent).toContain('Technicien réservé')
    expect(document.querySelector('svg')!.getAttribute('aria-label')).toContain('6 étapes, 7 liens')
  })

  it('selects a step by click or by keyboard, and outlines steps with a problem', async () => {
    const wrapper = mountWithApp(FlowDiagram, {
      props: { definition: MODEM_FLOW, selected: 'diag', problemSteps: ['book'] },
    })
    expect(box('diag').getAttribute('aria-pressed')).toBe('true')
    expect(box('book').classList.contains('troubled')).toBe(true)
    box('restart').dispatchEvent(new MouseEvent('click', { bubbles: true }))
    box('fixed').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    expect(wrapper.emitted('select')).toEqual([['restart'], ['fixed']])
  })

  it('says in English what each box is', () => {
    mountWithApp(FlowDiagram, { locale: 'en', props: { definition: MODEM_FLOW } })
    expect(box('restart').getAttribute('aria-label')).toBe(
      'Question “Restart”, leads to Diagnosis (Yes, check again), Technician (No)',
    )
  })

  it('says there is nothing to draw rather than drawing an empty frame', () => {
    mountWithApp(FlowDiagram, { props: { definition: null } })
    expect(document.querySelector('[data-testid="flow-diagram"]')!.textContent).toContain('Rien à dessiner')
    expect(boxes()).toHaveLength(0)
  })
})
