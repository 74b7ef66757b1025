import { describe, expect, it } from 'vitest'
import { flowEdges } from 'src/contracts/flows/graph'
import type { FlowDefinition } from 'src/contracts/flows/types'
import { BOX, layoutFlow, missingBoxId } from './diagramLayout'
import { MODEM_FLOW } from './testFlows'

const overlaps = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.abs(a.x - b.x) < BOX.width && Math.abs(a.y - b.y) < BOX.height

describe('the drawing of a flow', () => {
  const layout = layoutFlow(MODEM_FLOW)
  const box = (id: string) => layout.boxes.find((b) => b.id === id)!

  it('draws every step once and every branch as an arrow', () => {
    expect(layout.boxes.map((b) => b.id).sort()).toEqual(MODEM_FLOW.steps.map((s) => s.id).sort())
    expect(layout.arrows.map((a) => `${a.from}->${a.to}`)).toEqual(
      flowEdges(MODEM_FLOW).map((e) => `${e.from}->${e.to}`),
    )
    expect(layout.arrows.every((a) => a.d.startsWith('M '))).toBe(true)
  })

  it('puts each step one row below the first step that leads to it, the start on top', () => {
    expect(box('hello')).toMatchObject({ layer: 0, start: true })
    expect(box('diag').layer).toBe(1)
    expect(['restart', 'book', 'fixed'].map((id) => box(id).layer)).toEqual([2, 2, 2])
    expect(box('booked').layer).toBe(3)
    expect(box('diag').y).toBeGreaterThan(box('hello').y)
  })

  it('keeps boxes apart and inside the drawing', () => {
    for (const a of layout.boxes) {
      expect(a.x).toBeGreaterThanOrEqual(0)
      expect(a.x + BOX.width).toBeLessThanOrEqual(layout.width)
      expect(a.y + BOX.height).toBeLessThanOrEqual(layout.height)
      for (const b of layout.boxes) if (a !== b) expect(overlaps(a, b)).toBe(false)
    }
  })

  it('labels branches with the answer or condition, and marks the way back to an earlier step', () => {
    const again = layout.arrows.find((a) => a.from === 'restart' && a.to === 'diag')!
    expect(again).toMatchObject({ back: true, label: { fr: 'Oui, vérifier encore', en: 'Yes, check again' } })
    const otherwise = layout.arrows.find((a) => a.from === 'diag' && a.to === 'restart')!
    expect(otherwise).toMatchObject({ back: false, label: { fr: 'sinon', en: 'otherwise' } })
    expect(layout.arrows.find((a) => a.from === 'hello')!.label).toBeUndefined()
    expect(layout.arrows.find((a) => a.from === 'diag' && a.to === 'book')!.label).toEqual({
      fr: 'diag.status = los',
      en: 'diag.status = los',
    })
  })

  it('sends the way back up round the right of every box', () => {
    const again = layout.arrows.find((a) => a.from === 'restart' && a.to === 'diag')!
    const xs = [...again.d.matchAll(/[ML] ([\d.]+) /g)].map((m) => Number(m[1]))
    const rightmost = Math.max(...layout.boxes.map((b) => b.x + BOX.width))
    expect(Math.max(...xs)).toBeGreaterThan(rightmost)
    expect(Math.max(...xs)).toBeLessThan(layout.width)
  })

  it('says what each end means and what each check or action runs', () => {
    expect(box('booked')).toMatchObject({ kind: 'end', outcome: 'technician-booked' })
    expect(box('diag').operation).toBe('diagnose')
    expect(box('book').operation).toBe('book-technician')
  })

  it('shows a goto to a missing step as an arrow to a marked box, and a step nothing leads to in a last row', () => {
    const broken: FlowDefinition = {
      ...MODEM_FLOW,
      steps: MODEM_FLOW.steps.map((s) => (s.id === 'book' ? { ...s, next: 'bookd' } : s)),
    }
    const drawn = layoutFlow(broken)
    const ghost = drawn.boxes.find((b) => b.id === missingBoxId('bookd'))!
    expect(ghost).toMatchObject({ kind: 'missing', title: { fr: 'bookd', en: 'bookd' } })
    expect(drawn.arrows.find((a) => a.from === 'book')).toMatchObject({ to: 'bookd', missing: true })
    // "booked" is no longer reached from the start.
    const orphan = drawn.boxes.find((b) => b.id === 'booked')!
    expect(orphan.unreachable).toBe(true)
    expect(orphan.layer).toBeGreaterThan(
      Math.max(...drawn.boxes.filter((b) => !b.unreachable && b.kind !== 'missing').map((b) => b.layer)),
    )
  })

  it('grows with the flow so a big one scrolls rather than shrinks', () => {
    const wide: FlowDefinition = {
      ...MODEM_FLOW,
      start: 'pick',
      steps: [
        {
          id: 'pick',
          kind: 'ask',
          title: { fr: 'Choix', en: 'Choice' },
          question: { fr: '?', en: '?' },
          options: Array.from({ length: 9 }, (_, i) => ({
            value: `v${i}`,
            label: { fr: `${i}`, en: `${i}` },
            goto: `end-${i}`,
          })),
        },
        ...Array.from({ length: 9 }, (_, i) => ({
          id: `end-${i}`,
          kind: 'end' as const,
          title: { fr: `Fin ${i}`, en: `End ${i}` },
          outcome: 'resolved' as const,
        })),
      ],
    }
    const drawn = layoutFlow(wide)
    expect(drawn.width).toBeGreaterThan(9 * BOX.width)
    expect(drawn.boxes).toHaveLength(10)
  })
})
