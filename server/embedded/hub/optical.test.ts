import { describe, expect, it } from 'vitest'
import { opticalStatus } from './devices/optical'

describe('opticalStatus — the verdict shown next to a PON reading', () => {
  it.each([
    // overload side
    [-5, true, 'critical'],
    [-7.99, true, 'critical'],
    [-7.999, true, 'critical'],
    [-8, true, 'ok'],
    [-8.01, true, 'ok'],
    // the good range and its lower edge
    [-19.4, true, 'ok'],
    [-24.99, true, 'ok'],
    [-25, true, 'ok'],
    [-25.01, true, 'warning'],
    // the warning band and its lower edge
    [-26, true, 'warning'],
    [-27, true, 'warning'],
    [-27.01, true, 'critical'],
    // too weak, down to loss of signal
    [-35, true, 'critical'],
    [-39.99, true, 'critical'],
    [-40, true, 'los'],
    [-40, false, 'los'],
    [-45, true, 'los'],
  ] as const)('%s dBm (link up: %s) is %s', (rx, linkUp, verdict) => {
    expect(opticalStatus(rx, linkUp)).toBe(verdict)
  })

  it('reads exactly 0 dBm with the link down as loss of signal, but as overload with the link up', () => {
    expect(opticalStatus(0, false)).toBe('los')
    expect(opticalStatus(-0, false)).toBe('los')
    expect(opticalStatus(0, true)).toBe('critical')
  })

  it('ignores float noise below the thousandth of a dBm the ONT reports', () => {
    expect(opticalStatus(-25.0000000001, true)).toBe('ok')
    expect(opticalStatus(-8.0000000001, true)).toBe('ok')
    expect(opticalStatus(-27 - 1e-10, true)).toBe('warning')
    expect(opticalStatus(-7.9999999999, true)).toBe('ok')
  })

  it('treats a missing reading as loss of signal', () => {
    expect(opticalStatus(Number.NaN, true)).toBe('los')
    expect(opticalStatus(Number.NEGATIVE_INFINITY, false)).toBe('los')
  })
})
