// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  noteUpstreamDown,
  noteUpstreamUp,
  onUpstreamBack,
  outageOf,
  readyVerdict,
  upstreamDownOf,
  useUpstream,
  watchUpstreams,
} from './health'

const READY_DOWN = {
  status: 'degraded',
  upstreams: { erpnext: { ok: false, ms: 2 }, hub: { ok: true, ms: 3 } },
  breakers: { erpnext: { state: 'open', failures: 5, retry_after_s: 4 }, 'hub:devices': { state: 'closed' } },
}
const READY_UP = {
  status: 'ready',
  upstreams: { erpnext: { ok: true, ms: 2 }, hub: { ok: true, ms: 3 } },
  breakers: { erpnext: { state: 'half-open' }, 'hub:devices': { state: 'closed' } },
}

describe('upstream health', () => {
  afterEach(() => {
    for (const u of ['erpnext', 'hub'] as const) noteUpstreamUp(u)
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('reads which upstream an error answer says is down', () => {
    const body = { message: 'ERPNext ne répond pas', message_en: 'ERPNext is not answering', upstream: 'hub:sms' }
    expect(upstreamDownOf(503, 'UPSTREAM_UNAVAILABLE', body)).toBe('hub:sms')
    expect(upstreamDownOf(502, 'ERP_UNREACHABLE', {})).toBe('erpnext')
    expect(upstreamDownOf(502, 'UpstreamError', {})).toBe('erpnext')
    expect(upstreamDownOf(502, 'HUB_UNREACHABLE', {})).toBe('hub')
    // A refusal is not an outage, nor is a slow modem.
    expect(upstreamDownOf(417, 'TimestampMismatchError', {})).toBeNull()
    expect(upstreamDownOf(504, 'DEVICE_TIMEOUT', {})).toBeNull()
    expect(upstreamDownOf(400, 'BAD', { upstream: 'erpnext' })).toBeNull()
  })

  it('reads /ops/readyz: ok flags, breaker states, and a hub part falls with the hub', () => {
    expect(readyVerdict(READY_DOWN, 'erpnext')).toBe('down')
    expect(readyVerdict(READY_UP, 'erpnext')).toBe('up')
    expect(readyVerdict(READY_DOWN, 'hub:devices')).toBe('up')
    const hubDown = { upstreams: { hub: { ok: false } }, breakers: { 'hub:devices': { state: 'closed' } } }
    expect(readyVerdict(hubDown, 'hub:devices')).toBe('down')
    expect(readyVerdict({ upstreams: { erpnext: { ok: true } } }, 'hub:vision')).toBe('unknown')
    expect(readyVerdict(null, 'erpnext')).toBe('unknown')
  })

  it('an outage of the hub stops its parts; the parts come back with it', () => {
    const devices = useUpstream('hub:devices')
    const back = vi.fn()
    const stop = onUpstreamBack('hub:devices', back)
    noteUpstreamDown('hub')
    expect(devices.value?.upstream).toBe('hub')
    expect(outageOf('erpnext')).toBeNull()
    noteUpstreamUp('hub')
    expect(devices.value).toBeNull()
    expect(back).toHaveBeenCalledOnce()
    stop()
  })

  it('probes /ops/readyz with a growing delay until the upstream is back, then tells who waits', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const answers = [READY_DOWN, READY_DOWN, READY_UP]
    const fetch = vi.fn(async () => ({ json: async () => answers.shift() ?? READY_UP }))
    vi.stubGlobal('fetch', fetch)
    const back = vi.fn()
    const stop = onUpstreamBack('erpnext', back)

    noteUpstreamDown('erpnext', null, 3)
    await vi.advanceTimersByTimeAsync(2_999)
    expect(fetch).not.toHaveBeenCalled() // Retry-After is honoured
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(6_000)
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(back).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(12_000)
    expect(fetch).toHaveBeenCalledTimes(3)
    expect(back).toHaveBeenCalledOnce()
    expect(outageOf('erpnext')).toBeNull()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fetch).toHaveBeenCalledTimes(3) // nothing down: no more probes
    stop()
    vi.restoreAllMocks()
  })

  it('a watching screen hears of an outage before its next own call', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => ({ json: async () => READY_DOWN })),
    )
    const stop = watchUpstreams()
    await vi.advanceTimersByTimeAsync(15_000)
    expect(outageOf('erpnext')).not.toBeNull()
    expect(outageOf('hub')).toBeNull()
    stop()
    vi.restoreAllMocks()
  })
})
