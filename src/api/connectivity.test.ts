// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { noteServerAnswer, useConnectivity } from './connectivity'

describe('connectivity', () => {
  afterEach(() => {
    noteServerAnswer(true)
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('says offline when a request got no answer, though the browser says online', () => {
    const online = useConnectivity()
    expect(online.value).toBe(true)
    noteServerAnswer(false)
    expect(online.value).toBe(false)
    noteServerAnswer(true)
    expect(online.value).toBe(true)
  })

  it('probes the server while it is unreachable and comes back online when it answers', async () => {
    vi.useFakeTimers()
    const fetch = vi.fn().mockRejectedValueOnce(new TypeError('offline')).mockResolvedValue({ ok: true })
    vi.stubGlobal('fetch', fetch)
    const online = useConnectivity()
    noteServerAnswer(false)
    await vi.advanceTimersByTimeAsync(15_000)
    expect(online.value).toBe(false)
    await vi.advanceTimersByTimeAsync(15_000)
    expect(fetch).toHaveBeenCalledWith('/ops/healthz', expect.objectContaining({ cache: 'no-store' }))
    expect(online.value).toBe(true)
  })
})
