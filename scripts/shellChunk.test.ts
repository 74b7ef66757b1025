import { describe, expect, it } from 'vitest'
import { layoutGroup } from './shellChunk'

const imports: Record<string, string[]> = {
  layout: ['QLayout', 'badge'],
  badge: ['queue', 'QLayout'],
  queue: [],
  QLayout: [],
  page: ['QLayout', 'QTable'],
  QTable: [],
}
const graph = { getModuleInfo: (id: string) => (id in imports ? { importedIds: imports[id] } : null) }

describe('the layout group', () => {
  it('holds the layout and every module it reaches through static imports, cycles included', () => {
    const name = layoutGroup('layout', 'MainLayout')
    expect(['layout', 'badge', 'queue', 'QLayout'].map((id) => name(id, graph))).toEqual([
      'MainLayout',
      'MainLayout',
      'MainLayout',
      'MainLayout',
    ])
  })

  it('leaves a module only a screen uses to the screen', () => {
    const name = layoutGroup('layout', 'MainLayout')
    expect(name('page', graph)).toBeNull()
    expect(name('QTable', graph)).toBeNull()
  })
})
