import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useLiveDocuments } from './useLiveDocuments'

const live = vi.hoisted(() => ({ listeners: new Map<string, Set<(e: { type: string; data: unknown }) => void>>() }))
vi.mock('src/api/events', () => ({
  onLiveEvent: (type: string, listener: (e: { type: string; data: unknown }) => void) => {
    const set = live.listeners.get(type) ?? new Set()
    set.add(listener)
    live.listeners.set(type, set)
    return () => set.delete(listener)
  },
}))
const emit = (type: string, data: unknown = {}) => {
  for (const listener of live.listeners.get(type) ?? []) listener({ type, data })
}

describe('a list page kept current by live events', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    live.listeners.clear()
  })
  afterEach(() => vi.useRealTimers())

  it('reads once for a burst of its doctypes’ events, naming what changed, and ignores the others', () => {
    const calls: unknown[] = []
    const scope = effectScope()
    scope.run(() => useLiveDocuments(['Technician', 'Tag'], (changed) => calls.push(changed)))
    emit('doc_update', { doctype: 'Technician', name: 'TECH-001' })
    emit('doc_update', { doctype: 'Dispatch Job', name: 'DJ-1' })
    emit('doc_update', { doctype: 'Technician', name: 'TECH-002' })
    emit('doc_update', { doctype: 'Tag', name: 'Fibre' })
    expect(calls).toEqual([])
    vi.advanceTimersByTime(300)
    expect(calls).toEqual([
      new Map([
        ['Technician', new Set(['TECH-001', 'TECH-002'])],
        ['Tag', new Set(['Fibre'])],
      ]),
    ])
    emit('doc_update', { doctype: 'Customer', name: 'CUST-1' })
    vi.advanceTimersByTime(1000)
    expect(calls).toHaveLength(1)
    scope.stop()
  })

  it('reads everything after a resync, and nothing once the page is gone', () => {
    const calls: unknown[] = []
    const scope = effectScope()
    scope.run(() => useLiveDocuments(['Tag'], (changed) => calls.push(changed)))
    emit('doc_update', { doctype: 'Tag', name: 'Fibre' })
    emit('resync')
    vi.advanceTimersByTime(300)
    expect(calls).toEqual([null])

    emit('doc_update', { doctype: 'Tag', name: 'Cuivre' })
    scope.stop()
    vi.advanceTimersByTime(1000)
    emit('doc_update', { doctype: 'Tag', name: 'Zone' })
    vi.advanceTimersByTime(1000)
    expect(calls).toEqual([null])
  })
})
