// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

class FakeSource {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static opened: FakeSource[] = []
  readyState = FakeSource.CONNECTING
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  private handlers = new Map<string, ((e: MessageEvent<string>) => void)[]>()
  constructor(readonly url: string) {
    FakeSource.opened.push(this)
  }
  addEventListener(type: string, fn: (e: MessageEvent<string>) => void) {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), fn])
  }
  close() {
    this.readyState = FakeSource.CLOSED
  }
  open() {
    this.readyState = FakeSource.OPEN
    this.onopen?.()
  }
  fail(closed: boolean) {
    this.readyState = closed ? FakeSource.CLOSED : FakeSource.CONNECTING
    this.onerror?.()
  }
  emit(type: string, id: string, data: unknown) {
    const e = { lastEventId: id, data: JSON.stringify(data) } as MessageEvent<string>
    for (const fn of this.handlers.get(type) ?? []) fn(e)
  }
}

describe('live events', () => {
  beforeEach(() => {
    vi.resetModules()
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    FakeSource.opened = []
    vi.stubGlobal('EventSource', FakeSource)
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('says connected, reconnecting, then resynced for a while once back', async () => {
    const { onLiveEvent, liveState, closeLiveEvents } = await import('./events')
    const seen: unknown[] = []
    onLiveEvent('doc_update', (e) => seen.push(e.data))
    expect(liveState.value).toBe('connecting')
    const source = FakeSource.opened[0]
    source.open()
    expect(liveState.value).toBe('connected')
    source.emit('doc_update', '7', { name: 'DJ-1' })
    expect(seen).toEqual([{ name: 'DJ-1' }])

    source.fail(false) // the browser reconnects by itself
    expect(liveState.value).toBe('reconnecting')
    source.open()
    expect(liveState.value).toBe('resynced')
    await vi.advanceTimersByTimeAsync(8_000)
    expect(liveState.value).toBe('connected')
    closeLiveEvents()
  })

  it('opens a new stream after the last event seen when the old one is closed for good', async () => {
    const { onLiveEvent, liveState, closeLiveEvents } = await import('./events')
    onLiveEvent('job.updated', () => undefined)
    const first = FakeSource.opened[0]
    first.open()
    first.emit('job.updated', '42', {})
    first.fail(true) // the server answered an error: EventSource gives up
    expect(liveState.value).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(999)
    expect(FakeSource.opened).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSource.opened).toHaveLength(2)
    expect(FakeSource.opened[1].url).toBe('/ops/api/events?lastEventId=42')
    FakeSource.opened[1].fail(true)
    await vi.advanceTimersByTimeAsync(1_999)
    expect(FakeSource.opened).toHaveLength(2) // the delay grows
    await vi.advanceTimersByTimeAsync(1)
    FakeSource.opened[2].open()
    expect(liveState.value).toBe('resynced')
    closeLiveEvents()
  })
})
