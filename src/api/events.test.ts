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

  it('gives the events after a board’s position, once the stream has said where it starts', async () => {
    const { onLiveEvent, eventsAfter, closeLiveEvents } = await import('./events')
    onLiveEvent('doc_update', () => undefined)
    const source = FakeSource.opened[0]
    source.open()
    source.emit('hello', '5', {})
    source.emit('doc_update', '6', { name: 'DJ-1' })
    source.emit('sms.inbound', '7', {})
    source.emit('doc_update', '8', { name: 'DJ-2' })
    expect((await eventsAfter('5'))?.map((e) => e.id)).toEqual(['6', '7', '8'])
    expect((await eventsAfter('7'))?.map((e) => [e.id, e.type, e.data])).toEqual([
      ['8', 'doc_update', { name: 'DJ-2' }],
    ])
    expect(await eventsAfter('8')).toEqual([])
    // Read before the stream's start: what happened in between never reached this page.
    expect(await eventsAfter('4')).toBeNull()
    expect(await eventsAfter('not-an-id')).toBeNull()
    expect(FakeSource.opened).toHaveLength(1)
    closeLiveEvents()
  })

  it('starts the stream from a read made before it said where it starts, so nothing in between is missed', async () => {
    const { onLiveEvent, eventsAfter, closeLiveEvents } = await import('./events')
    const seen: string[] = []
    onLiveEvent('doc_update', (e) => seen.push(e.id))
    let answer: unknown = 'pending'
    void eventsAfter('5').then((r) => (answer = r))
    // The stream on its way is replaced by one that starts after the read's position.
    expect(FakeSource.opened).toHaveLength(2)
    expect(FakeSource.opened[0].readyState).toBe(FakeSource.CLOSED)
    const resumed = FakeSource.opened[1]
    expect(resumed.url).toBe('/ops/api/events?lastEventId=5')
    await vi.advanceTimersByTimeAsync(0)
    expect(answer).toBe('pending')
    resumed.open()
    await vi.advanceTimersByTimeAsync(0)
    expect(answer).toEqual([])
    // The server replays what followed the position: delivered, and kept for a later read.
    resumed.emit('doc_update', '6', { name: 'DJ-1' })
    expect(seen).toEqual(['6'])
    expect((await eventsAfter('5'))?.map((e) => e.id)).toEqual(['6'])
    // A read from after the stream's start does not restart it.
    await eventsAfter('6')
    expect(FakeSource.opened).toHaveLength(2)
    closeLiveEvents()
  })

  it('starts again from a resync, and from the oldest event it still keeps', async () => {
    const { onLiveEvent, eventsAfter, closeLiveEvents } = await import('./events')
    onLiveEvent('job.updated', () => undefined)
    const source = FakeSource.opened[0]
    source.open()
    source.emit('hello', '1-0', {})
    source.emit('job.updated', '1-1', {})
    source.emit('resync', '9-0', {})
    expect(await eventsAfter('1-0')).toBeNull()
    source.emit('job.updated', '9-1', {})
    expect((await eventsAfter('9-0'))?.map((e) => e.id)).toEqual(['9-1'])
    for (let i = 2; i <= 1_001; i++) source.emit('job.updated', `9-${i}`, {})
    // A thousand kept: 9-1 has gone, so a board read at 9-0 may miss it.
    expect(await eventsAfter('9-0')).toBeNull()
    expect(await eventsAfter('9-1')).toHaveLength(1_000)
    closeLiveEvents()
  })

  it('forgets where the last stream was once closed: the next one starts from now', async () => {
    const { onLiveEvent, closeLiveEvents } = await import('./events')
    onLiveEvent('doc_update', () => undefined)
    const first = FakeSource.opened[0]
    first.open()
    first.emit('hello', '3-0', {})
    first.emit('doc_update', '3-1', {})
    closeLiveEvents()
    onLiveEvent('doc_update', () => undefined)
    expect(FakeSource.opened).toHaveLength(2)
    expect(FakeSource.opened[1].url).toBe('/ops/api/events')
    closeLiveEvents()
  })
})
