import { describe, expect, it } from 'vitest'
import { validateDefinition } from 'src/contracts/flows/validate'
import type { FlowVersionView } from 'src/contracts/flows/types'
import { FLOW_KEY, defaultVersion, flowLines, newFlowDefinition, nextDraftOf } from './flowVersions'
import { MODEM_FLOW } from './testFlows'

const version = (key: string, n: number, status: FlowVersionView['status'], fr = key): FlowVersionView => ({
  name: `FLOW-${key}-v${n}`,
  key,
  version: n,
  status,
  title: { fr, en: fr },
  definition: null,
})

describe('the list of flows', () => {
  const lines = flowLines(
    [
      version('move', 1, 'Archived', 'Déménagement'),
      version('move', 2, 'Published', 'Déménagement'),
      version('move', 3, 'Draft', 'Déménagement'),
      version('cancellation', 1, 'Draft', 'Annulation'),
    ],
    'fr',
  )

  it('has one line per flow, in title order, with the version in use and the draft', () => {
    expect(lines.map((l) => l.key)).toEqual(['cancellation', 'move'])
    const move = lines[1]
    expect(move.published?.version).toBe(2)
    expect(move.draft?.version).toBe(3)
    expect(move.latest).toBe(3)
    expect(move.versions.map((v) => v.version)).toEqual([3, 2, 1])
    expect(lines[0].published).toBeNull()
  })

  it('opens the draft first, else the version in use', () => {
    expect(defaultVersion(lines[1]).version).toBe(3)
    const [only] = flowLines([version('move', 1, 'Archived'), version('move', 2, 'Published')], 'fr')
    expect(defaultVersion(only).version).toBe(2)
  })
})

describe('new drafts', () => {
  it('start from a flow that passes validation', () => {
    const def = newFlowDefinition('plan-change', { fr: 'Changement de forfait', en: 'Plan change' })
    expect(validateDefinition(def).ok).toBe(true)
  })

  it('copy a version under the next number without touching it', () => {
    const copy = nextDraftOf(MODEM_FLOW, 4)
    expect(copy.version).toBe(5)
    expect(MODEM_FLOW.version).toBe(2)
    expect(copy.steps).toEqual(MODEM_FLOW.steps)
  })

  it('take a key of lower-case words joined by hyphens', () => {
    expect(['no-internet', 'move2', 'ab'].every((k) => FLOW_KEY.test(k))).toBe(true)
    expect(['No-internet', 'a', '-x', 'x-', 'a--b', 'é', 'a'.repeat(41)].some((k) => FLOW_KEY.test(k))).toBe(false)
  })
})
