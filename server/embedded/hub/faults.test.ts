import { describe, expect, it } from 'vitest'
import { FaultPlan, FaultSpecError, parseFaultJson, parseFaultSpec } from './faults'

describe('fault plan', () => {
  it('parses the HUB_FAULTS string', () => {
    const plan = new FaultPlan('vision.fail=2,vision.status=503,vision.delay=9000,traccar.fail=1003,sms.delay=50')
    expect(plan.get('vision')).toMatchObject({ fail: 2, status: 503, delayMs: 9000 })
    expect(plan.get('traccar').failDevices).toEqual([1003])
    expect(plan.get('sms').delayMs).toBe(50)
  })

  it('fails the next N calls, then recovers', () => {
    const plan = new FaultPlan('vision.fail=2')
    expect(plan.take('vision').failStatus).toBe(500)
    expect(plan.take('vision').failStatus).toBe(500)
    expect(plan.take('vision').failStatus).toBeNull()
    expect(plan.take('sms').failStatus).toBeNull()
  })

  it('fails chosen Traccar devices every time, others never', () => {
    const plan = new FaultPlan('traccar.fail=1003|1007')
    expect(plan.deviceFailure(1003)).toBe(500)
    expect(plan.deviceFailure(1007)).toBe(500)
    expect(plan.deviceFailure(1001)).toBeNull()
  })

  it('rejects what it does not understand, with a readable message', () => {
    expect(() => parseFaultSpec('vision.fial=2')).toThrow(/unknown fault key "vision.fial"/)
    expect(() => parseFaultSpec('radar.fail=2')).toThrow(FaultSpecError)
    expect(() => parseFaultSpec('vision.fail=-1')).toThrow(/non-negative integer/)
    expect(() => parseFaultSpec('vision.status=200')).toThrow(/400–599/)
    expect(() => parseFaultSpec('sms.drop=1')).toThrow(/only supported on vision/)
    expect(() => parseFaultJson({ vision: 'fail' })).toThrow(/must be an object/)
  })

  it('merges JSON patches and resets', () => {
    const plan = new FaultPlan()
    plan.merge(parseFaultJson({ vision: { fail: 1, delayMs: 20 } }))
    plan.merge(parseFaultJson({ vision: { status: 503 } }))
    expect(plan.get('vision')).toMatchObject({ fail: 1, delayMs: 20, status: 503 })
    plan.reset()
    expect(plan.get('vision')).toMatchObject({ fail: 0, delayMs: 0, status: 500 })
  })
})
