import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSolomon, solomonToProblem } from './solomon'
import { solve } from './solver'
import { geoTravel } from './travel'
import type { VrpJob, VrpProblem, VrpSolution, VrpVehicle } from './types'
import { validatePlan, validateSolomon } from './validate'

const HOUR = 3600

function rngFrom(seed: number): () => number {
  let a = seed
  return () => {
    a = (a * 1103515245 + 12345) % 2147483648
    return a / 2147483648
  }
}

/** A small random instance: windows, capacities and shifts tight enough that order matters. */
function smallInstance(seed: number, jobs: number, vehicles: number): VrpProblem {
  const rng = rngFrom(seed)
  const r = (a: number, b: number): number => Math.round(a + rng() * (b - a))
  return {
    metric: { kind: 'euclidean' },
    vehicles: Array.from({ length: vehicles }, (_, k) => ({
      id: `v${k}`,
      start: [50, 50],
      end: [50, 50],
      time_window: [0, r(250, 400)],
      capacity: [r(15, 30)],
      skills: k === 0 ? ['a', 'b'] : ['a'],
    })),
    jobs: Array.from({ length: jobs }, (_, k) => {
      const open = r(0, 200)
      return {
        id: `j${k}`,
        location: [r(0, 100), r(0, 100)],
        service: r(5, 20),
        amount: [r(3, 10)],
        time_windows: rng() < 0.7 ? [[open, open + r(20, 120)]] : undefined,
        skills: rng() < 0.2 ? ['b'] : ['a'],
        priority: rng() < 0.2 ? 100 : 0,
      }
    }),
  }
}

const weightOf = (job: VrpJob): number => (job.pinned ? 1e7 : 1 + (job.priority ?? 0))

/** Every assignment and order, by depth-first search: the least weight left out, then the least distance. */
function exhaustive(problem: VrpProblem): { left: number; distance: number } {
  const { jobs, vehicles } = problem
  const used = jobs.map(() => false)
  const totalWeight = jobs.reduce((s, j) => s + weightOf(j), 0)
  let best = { left: Infinity, distance: Infinity }
  const leg = (a: [number, number], b: [number, number]): number => Math.hypot(a[0] - b[0], a[1] - b[1])
  const visit = (
    v: number,
    at: [number, number],
    time: number,
    load: number,
    empty: boolean,
    dist: number,
    served: number,
  ): void => {
    const vehicle = vehicles[v]
    // Close this route and go on with the next vehicle (or stop).
    const end = vehicle.end ?? at
    const back = empty ? 0 : leg(at, end)
    if (empty || time + back <= vehicle.time_window[1]) {
      const d = dist + back
      if (v + 1 === vehicles.length) {
        const left = totalWeight - served
        if (left < best.left || (left === best.left && d < best.distance)) best = { left, distance: d }
      } else {
        const next = vehicles[v + 1]
        visit(v + 1, next.start ?? [0, 0], next.time_window[0], 0, true, d, served)
      }
    }
    jobs.forEach((job, k) => {
      if (used[k]) return
      if (!(job.skills ?? []).every((s) => vehicle.skills?.includes(s))) return
      if (job.pinned && job.pinned.vehicle !== vehicle.id) return
      const amount = job.amount?.[0] ?? 0
      if (load + amount > (vehicle.capacity?.[0] ?? Infinity)) return
      const arrival = time + leg(at, job.location)
      const windows = job.pinned
        ? [[job.pinned.arrival, job.pinned.arrival]]
        : (job.time_windows ?? [[-Infinity, Infinity]])
      const w = windows.find(([, b]) => arrival <= b)
      if (!w) return
      const start = Math.max(arrival, w[0])
      used[k] = true
      visit(
        v,
        job.location,
        start + job.service,
        load + amount,
        false,
        dist + leg(at, job.location),
        served + weightOf(job),
      )
      used[k] = false
    })
  }
  visit(0, vehicles[0].start ?? [0, 0], vehicles[0].time_window[0], 0, true, 0, 0)
  return best
}

function leftWeight(problem: VrpProblem, solution: VrpSolution): number {
  const byId = new Map(problem.jobs.map((j) => [j.id, j]))
  return solution.unassigned.reduce((s, u) => s + weightOf(byId.get(u.id) as VrpJob), 0)
}

const withoutTiming = (s: VrpSolution): unknown => ({ ...s, summary: { ...s.summary, computing_ms: 0 } })

describe('solve against an exhaustive search', () => {
  const cases = Array.from({ length: 12 }, (_, k) => ({
    seed: 101 + k,
    jobs: 5 + (k % 4),
    vehicles: k % 4 === 3 ? 2 : 3,
  }))
  it.each(cases)('seed $seed: $jobs jobs, $vehicles vehicles — as good or better', ({ seed, jobs, vehicles }) => {
    const problem = smallInstance(seed, jobs, vehicles)
    const exact = exhaustive(problem)
    const solution = solve(problem, { timeBudgetMs: 10_000, seed: 1, iterations: 1500 })
    const check = validatePlan(problem, solution)
    expect(check.problems).toEqual([])
    const left = leftWeight(problem, solution)
    expect(left).toBeLessThanOrEqual(exact.left)
    if (left === exact.left) expect(check.distance).toBeLessThanOrEqual(exact.distance + 1e-6)
  })
})

describe('solve on a Solomon instance', () => {
  it('serves every customer of C101 feasibly, close to the best known 828.94', () => {
    const inst = parseSolomon(readFileSync(resolve(import.meta.dirname, 'fixtures/C101.txt'), 'utf8'))
    const solution = solve(solomonToProblem(inst), { timeBudgetMs: 20_000, seed: 1, iterations: 3000 })
    const routes = solution.routes.map((r) => r.steps.filter((s) => s.type === 'job').map((s) => Number(s.id)))
    const check = validateSolomon(inst, routes)
    expect(check.problems).toEqual([])
    expect(check.distance).toBeLessThan(828.94 * 1.05)
    expect(solution.summary.distance).toBeCloseTo(check.distance, 6)
  })
})

/** Saint-Jérôme, [lon, lat]; offsets in km. */
const at = (kmEast: number, kmNorth: number): [number, number] => [
  -74.0036 + kmEast / (111.32 * Math.cos((45.7804 * Math.PI) / 180)),
  45.7804 + kmNorth / 110.57,
]
const metric = { kind: 'geo', detourFactor: 1.3, speedKmh: 50 } as const

function fieldDay(): VrpProblem {
  const vehicles: VrpVehicle[] = [
    { id: 'ana', start: at(0, 0), end: at(0, 0), time_window: [8 * HOUR, 16 * HOUR], skills: ['Fibre', 'Nacelle'] },
    { id: 'ben', start: at(5, 3), end: at(5, 3), time_window: [7 * HOUR, 12 * HOUR], skills: ['Fibre', 'Wi-Fi'] },
    { id: 'cleo', start: at(-4, -2), end: at(-4, -2), time_window: [12 * HOUR, 20 * HOUR], skills: ['Wi-Fi'] },
  ]
  const rng = rngFrom(42)
  const jobs: VrpJob[] = Array.from({ length: 18 }, (_, k) => ({
    id: `job${k}`,
    location: at(rng() * 16 - 8, rng() * 12 - 6),
    service: 45 * 60,
    skills: [k % 5 === 0 ? 'Nacelle' : k % 3 === 0 ? 'Wi-Fi' : 'Fibre'],
    time_windows: k % 4 === 0 ? [[8 * HOUR, 12 * HOUR]] : k % 4 === 1 ? [[12 * HOUR, 17 * HOUR]] : undefined,
    priority: k % 7 === 0 ? 100 : 0,
  }))
  // Ana's 10:00 visit is locked.
  jobs[3] = { ...jobs[3], skills: ['Fibre'], time_windows: undefined, pinned: { vehicle: 'ana', arrival: 10 * HOUR } }
  return { metric, vehicles, jobs }
}

describe('solve on a field day', () => {
  it('respects skills, shifts, windows and pins', () => {
    const problem = fieldDay()
    const solution = solve(problem, { timeBudgetMs: 10_000, seed: 3, iterations: 800 })
    expect(validatePlan(problem, solution).problems).toEqual([])
    const ana = solution.routes.find((r) => r.vehicle === 'ana')
    expect(ana?.steps.find((s) => s.id === 'job3')?.arrival).toBe(10 * HOUR)
    // Travel time follows the shared estimate.
    const first = ana?.steps[1]
    const start = ana?.steps[0]
    if (first?.location && start) {
      const leg = geoTravel(at(0, 0), first.location, metric)
      expect(first.distance).toBeCloseTo(leg.distanceM, 6)
      expect(first.arrival - first.waiting_time - start.arrival).toBeCloseTo(leg.seconds, 6)
    }
  })

  it('with a fixed assignment, only reorders: every job stays with its technician', () => {
    const problem = fieldDay()
    const first = solve(problem, { timeBudgetMs: 10_000, seed: 3, iterations: 300 })
    const fixedAssignment: Record<string, string> = {}
    for (const route of first.routes) for (const s of route.steps) if (s.id) fixedAssignment[s.id] = route.vehicle
    // Shuffle the technicians' work: each keeps the jobs it has, in any order.
    const again = solve({ ...problem, fixedAssignment }, { timeBudgetMs: 10_000, seed: 9, iterations: 500 })
    expect(validatePlan({ ...problem, fixedAssignment }, again).problems).toEqual([])
    for (const route of again.routes)
      for (const s of route.steps) if (s.id) expect(fixedAssignment[s.id]).toBe(route.vehicle)
    expect(again.unassigned.map((u) => u.id)).toEqual(first.unassigned.map((u) => u.id))
  })

  it('gives the same plan for the same seed', () => {
    const problem = fieldDay()
    const a = solve(problem, { timeBudgetMs: 10_000, seed: 5, iterations: 400 })
    const b = solve(problem, { timeBudgetMs: 10_000, seed: 5, iterations: 400 })
    expect(withoutTiming(a)).toEqual(withoutTiming(b))
  })

  it('leaves out what cannot be served and says why', () => {
    const base = fieldDay()
    const problem: VrpProblem = {
      ...base,
      vehicles: [base.vehicles[0]],
      jobs: [
        { id: 'splice', location: at(1, 1), service: 1800, skills: ['Épissure'] },
        { id: 'dawn', location: at(1, 1), service: 1800, time_windows: [[5 * HOUR, 6 * HOUR]] },
        { id: 'marathon', location: at(1, 1), service: 9 * HOUR },
        {
          id: 'first',
          location: at(2, 0),
          service: 2 * HOUR,
          time_windows: [[9 * HOUR, 9 * HOUR + 600]],
          priority: 100,
        },
        { id: 'second', location: at(-2, 0), service: 2 * HOUR, time_windows: [[9 * HOUR, 9 * HOUR + 600]] },
      ],
    }
    const solution = solve(problem, { timeBudgetMs: 10_000, seed: 1, iterations: 200 })
    expect(solution.unassigned).toEqual([
      { id: 'splice', reason: 'no_skilled_vehicle' },
      { id: 'dawn', reason: 'window_impossible' },
      { id: 'marathon', reason: 'shift_too_short' },
      { id: 'second', reason: 'no_room' },
    ])
    expect(solution.summary.unassigned).toBe(4)
    expect(solution.routes[0].steps.map((s) => s.id ?? s.type)).toEqual(['start', 'first', 'end'])
  })

  it('keeps urgent jobs first when not everything fits', () => {
    const base = fieldDay()
    const problem: VrpProblem = {
      ...base,
      vehicles: [base.vehicles[0]],
      jobs: Array.from({ length: 6 }, (_, k) => ({
        id: `w${k}`,
        location: at(k, 0),
        service: 2 * HOUR,
        priority: k === 5 ? 100 : 0,
      })),
    }
    const solution = solve(problem, { timeBudgetMs: 10_000, seed: 1, iterations: 200 })
    const served = solution.routes.flatMap((r) => r.steps.map((s) => s.id).filter(Boolean))
    expect(served).toContain('w5')
    expect(solution.unassigned.every((u) => u.reason === 'no_room')).toBe(true)
  })

  it('returns an empty plan for an empty day', () => {
    const solution = solve({ metric, vehicles: fieldDay().vehicles, jobs: [] }, { timeBudgetMs: 1000 })
    expect(solution.routes).toEqual([])
    expect(solution.summary.vehicles).toBe(0)
  })

  it('stops when cancelled', () => {
    const controller = new AbortController()
    controller.abort()
    expect(() => solve(fieldDay(), { timeBudgetMs: 1000, signal: controller.signal })).toThrow(/cancelled/)
  })
})
