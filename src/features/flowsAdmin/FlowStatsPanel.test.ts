// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { FlowStats } from 'src/contracts/flows/types'
import { mountWithApp } from 'src/testing/mountWithApp'
import FlowStatsPanel from './FlowStatsPanel.vue'
import { MODEM_FLOW } from './testFlows'

const STATS: FlowStats = {
  key: 'modem-check',
  runs: 20,
  completed: 12,
  abandoned: 6,
  inProgress: 2,
  completionRate: 12 / 18,
  medianDurationMs: 185_000,
  outcomes: { resolved: 8, 'technician-booked': 4 },
  abandonedAt: [
    { step: 'restart', count: 4 },
    { step: 'diag', count: 2 },
    { step: 'old-step', count: 1 },
  ],
  tookMs: 3,
}

const part = (testid: string) => document.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()

describe('FlowStatsPanel', () => {
  it('shows runs, completion, median duration and outcomes', () => {
    mountWithApp(FlowStatsPanel, { props: { stats: STATS, loading: false, error: null, definition: MODEM_FLOW } })
    expect(text(part('flow-stats-runs'))).toContain('20')
    expect(text(part('flow-stats-completion'))).toMatch(/67 %/)
    expect(text(part('flow-stats-completion'))).toContain('12 complétés sur 18 terminés')
    expect(text(part('flow-stats-median'))).toContain('3 min 5 s')
    expect(text(part('flow-stats-outcomes'))).toContain('Résolu · 8')
    expect(text(part('flow-stats-outcomes'))).toContain('Technicien réservé · 4')
  })

  it('draws a bar per step where runs were abandoned, sized by its count, readable as a table', () => {
    mountWithApp(FlowStatsPanel, { props: { stats: STATS, loading: false, error: null, definition: MODEM_FLOW } })
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="flow-stats-bar"]')]
    expect(rows.map((r) => [text(r.querySelector('th')), text(r.querySelector('td'))])).toEqual([
      ['Redémarrage', '4'],
      ['Diagnostic', '2'],
      ['old-step (retirée depuis)', '1'],
    ])
    const widths = rows.map((r) => r.querySelector<HTMLElement>('[data-testid="flow-stats-bar-fill"]')!.style.width)
    expect(widths).toEqual(['100%', '50%', '25%'])
    const table = part('flow-stats-abandoned')!
    expect(table.tagName).toBe('TABLE')
    expect(table.getAttribute('aria-label')).toBe(
      'Abandons par étape : Redémarrage : 4, Diagnostic : 2, old-step (retirée depuis) : 1.',
    )
    expect(rows[0].querySelector('th')!.getAttribute('scope')).toBe('row')
  })

  it('says so when no run was started, or none abandoned', async () => {
    const wrapper = mountWithApp(FlowStatsPanel, {
      props: { stats: { ...STATS, runs: 0, abandonedAt: [] }, loading: false, error: null, definition: MODEM_FLOW },
    })
    expect(text(part('flow-stats'))).toContain('Aucun parcours lancé pour l’instant.')
    expect(part('flow-stats-abandoned')).toBeNull()
    await wrapper.setProps({ stats: { ...STATS, abandonedAt: [] } })
    expect(text(part('flow-stats-no-abandon'))).toBe('Aucun parcours abandonné.')
  })
})
