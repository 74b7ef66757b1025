import { describe, expect, it } from 'vitest'
import { opticalProblem, opticalVerdict } from './optical'

describe('the fiber signal verdict follows the GPON B+ thresholds at every edge', () => {
  it.each([
    [-3, true, 'critical'],
    [-7.999, true, 'critical'],
    [-8, true, 'ok'],
    [-8.001, true, 'ok'],
    [-19.4, true, 'ok'],
    [-25, true, 'ok'],
    [-25.001, true, 'warning'],
    [-26.999, true, 'warning'],
    [-27, true, 'warning'],
    [-27.001, true, 'critical'],
    [-39.999, true, 'critical'],
    [-40, true, 'los'],
    [-40, false, 'los'],
    [-45, true, 'los'],
    [0, false, 'los'],
    [0, true, 'critical'],
    [Number.NaN, true, 'los'],
  ] as const)('%s dBm with the link %s is %s', (rx, linkUp, verdict) => {
    expect(opticalVerdict(rx, linkUp)).toBe(verdict)
  })

  it('reads a value a float conversion put a hair past a boundary as the boundary itself', () => {
    expect(opticalVerdict(-25.0000000001, true)).toBe('ok')
    expect(opticalVerdict(-7.9999999999, true)).toBe('ok')
    expect(opticalVerdict(-27.0000000001, true)).toBe('warning')
  })

  it('tells an overloaded receiver from a weak one', () => {
    expect(opticalProblem(-5, true)).toBe('overload')
    expect(opticalProblem(-29, true)).toBe('too_weak')
    expect(opticalProblem(-26, true)).toBe('weak')
    expect(opticalProblem(-40, false)).toBe('los')
  })
})
