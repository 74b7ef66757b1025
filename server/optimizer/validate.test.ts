import { describe, expect, it } from 'vitest'
import type { SolomonInstance } from './solomon'
import type { VrpProblem, VrpSolution } from './types'
import { validatePlan, validateSolomon } from './validate'

/**
 * Depot at the origin, open 0–100. Customer 1 at (3, 4): 5 from the depot; customer 2 at (6, 8):
 * 5 from customer 1, 10 from the depot; customer 3 at (0, 5): 5 from the depot.
 */
function tiny(over: Partial<SolomonInstance> = {}): SolomonInstance {
  return {
    name: 'TINY',
    vehicles: 2,
    capacity: 10,
    depot: { id: 0, x: 0, y: 0, demand: 0, ready: 0, due: 100, service: 0 },
    customers: [
      { id: 1, x: 3, y: 4, demand: 5, ready: 0, due: 50, service: 2 },
      { id: 2, x: 6, y: 8, demand: 5, ready: 10, due: 20, service: 2 },
      { id: 3, x: 0, y: 5, demand: 3, ready: 0, due: 100, service: 1 },
    ],
    ...over,
  }
}

describe('validateSolomon', () => {
  it('accepts a feasible plan and totals its distance by hand: 5 + 5 + 10, then 5 + 5', () => {
    // Route 1: reach 1 at 5, leave at 7, reach 2 at 12 (window 10–20), leave at 14, back at 24.
    const check = validateSolomon(tiny(), [[1, 2], [3]])
    expect(check.problems).toEqual([])
    expect(check.feasible).toBe(true)
    expect(check.vehicles).toBe(2)
    expect(check.distance).toBe(30)
  })

  it('keeps the distance unrounded', () => {
    const inst = tiny({ customers: [{ id: 1, x: 1, y: 1, demand: 1, ready: 0, due: 100, service: 0 }] })
    expect(validateSolomon(inst, [[1]]).distance).toBe(2 * Math.SQRT2)
  })

  it('allows waiting for a window to open', () => {
    // Customer 2 alone: reached at 10 exactly; customer 1 then 3 with waiting before 3's window.
    const inst = tiny()
    inst.customers[2] = { ...inst.customers[2], ready: 40 }
    expect(validateSolomon(inst, [[2], [1, 3]]).feasible).toBe(true)
  })

  it('catches a missed window', () => {
    const inst = tiny()
    inst.customers[1] = { ...inst.customers[1], due: 11 }
    const check = validateSolomon(inst, [[1, 2], [3]])
    expect(check.feasible).toBe(false)
    expect(check.problems).toEqual(['route 1: customer 2 reached at 12, after 11'])
  })

  it('catches an overloaded vehicle', () => {
    const check = validateSolomon(tiny(), [[1, 2, 3]])
    expect(check.problems).toEqual(['route 1: load 13 exceeds the capacity 10'])
  })

  it('catches a customer left out and one served twice', () => {
    expect(validateSolomon(tiny(), [[1, 2]]).problems).toEqual(['customer 3 is not served'])
    expect(
      validateSolomon(tiny(), [
        [1, 2],
        [3, 1],
      ]).problems,
    ).toContain('customer 1 is served 2 times')
  })

  it('catches a late return to the depot', () => {
    const inst = tiny({ depot: { id: 0, x: 0, y: 0, demand: 0, ready: 0, due: 20, service: 0 } })
    expect(validateSolomon(inst, [[1, 2], [3]]).problems).toEqual(['route 1: back at the depot at 24, after 20'])
  })

  it('catches more vehicles than the fleet', () => {
    expect(validateSolomon(tiny({ vehicles: 2 }), [[1], [2], [3]]).problems).toEqual(['3 vehicles used, 2 available'])
  })
})

describe('validatePlan', () => {
  const problem: VrpProblem = {
    metric: { kind: 'euclidean' },
    vehicles: [{ id: 'a', start: [0, 0], end: [0, 0], time_window: [0, 100], skills: ['fibre'] }],
    jobs: [
      { id: 'j1', location: [3, 4], service: 2, skills: ['fibre'], time_windows: [[0, 50]] },
      { id: 'j2', location: [6, 8], service: 2, skills: ['tv'], pinned: { vehicle: 'a', arrival: 12 } },
    ],
  }
  const solution = (arrivalJ2: number): VrpSolution => ({
    routes: [
      {
        vehicle: 'a',
        steps: [
          { type: 'start', arrival: 0, service: 0, waiting_time: 0, distance: 0 },
          { type: 'job', id: 'j1', arrival: 5, service: 2, waiting_time: 0, distance: 5 },
          { type: 'job', id: 'j2', arrival: arrivalJ2, service: 2, waiting_time: 0, distance: 10 },
          { type: 'end', arrival: 24, service: 0, waiting_time: 0, distance: 20 },
        ],
        distance: 20,
        duration: 20,
        service: 4,
        waiting_time: 0,
      },
    ],
    unassigned: [],
    summary: {
      vehicles: 1,
      distance: 20,
      duration: 20,
      service: 4,
      waiting_time: 0,
      unassigned: 0,
      unassigned_priority: 0,
      computing_ms: 0,
    },
  })

  it('names a missing skill and a moved pin', () => {
    const check = validatePlan(problem, solution(13))
    expect(check.feasible).toBe(false)
    expect(check.problems).toEqual(['a lacks skill tv for job j2', 'pinned job j2 moved to 13'])
    expect(check.distance).toBe(20)
  })

  it('names a job neither routed nor listed as unassigned', () => {
    const p: VrpProblem = { ...problem, jobs: [...problem.jobs, { id: 'j3', location: [1, 1], service: 0 }] }
    expect(validatePlan(p, solution(12)).problems).toContain('job j3 is neither routed nor listed as unassigned')
  })
})
