/**
 * Independent checks of a plan, written apart from the solver (no shared evaluation code) so a
 * solver bug cannot hide behind its own arithmetic: one for Solomon routes, one for optimizer
 * requests and answers.
 */
import { geoTravel } from './travel'
import type { SolomonInstance } from './solomon'
import type { VrpProblem, VrpSolution } from './types'

/** Floating-point slack on time comparisons (Solomon times are whole numbers). */
const EPS = 1e-6

export interface SolomonCheck {
  feasible: boolean
  problems: string[]
  vehicles: number
  /** Total Euclidean distance, double precision, no rounding. */
  distance: number
}

/** Checks Solomon routes (customer numbers in visiting order, depot implied at both ends). */
export function validateSolomon(inst: SolomonInstance, routes: number[][]): SolomonCheck {
  const problems: string[] = []
  const byId = new Map(inst.customers.map((c) => [c.id, c]))
  const served = new Map<number, number>()
  const depot = inst.depot
  let distance = 0
  let vehicles = 0
  routes.forEach((route, r) => {
    if (route.length === 0) return
    vehicles++
    let x = depot.x
    let y = depot.y
    let time = depot.ready
    let load = 0
    for (const id of route) {
      const c = byId.get(id)
      if (!c) {
        problems.push(`route ${r + 1}: customer ${id} does not exist`)
        continue
      }
      served.set(id, (served.get(id) ?? 0) + 1)
      const leg = Math.sqrt((c.x - x) * (c.x - x) + (c.y - y) * (c.y - y))
      distance += leg
      const arrival = time + leg
      if (arrival > c.due + EPS) problems.push(`route ${r + 1}: customer ${id} reached at ${arrival}, after ${c.due}`)
      const start = Math.max(arrival, c.ready)
      time = start + c.service
      load += c.demand
      x = c.x
      y = c.y
    }
    const back = Math.sqrt((depot.x - x) * (depot.x - x) + (depot.y - y) * (depot.y - y))
    distance += back
    if (time + back > depot.due + EPS)
      problems.push(`route ${r + 1}: back at the depot at ${time + back}, after ${depot.due}`)
    if (load > inst.capacity) problems.push(`route ${r + 1}: load ${load} exceeds the capacity ${inst.capacity}`)
  })
  for (const c of inst.customers) {
    const times = served.get(c.id) ?? 0
    if (times === 0) problems.push(`customer ${c.id} is not served`)
    if (times > 1) problems.push(`customer ${c.id} is served ${times} times`)
  }
  if (vehicles > inst.vehicles) problems.push(`${vehicles} vehicles used, ${inst.vehicles} available`)
  return { feasible: problems.length === 0, problems, vehicles, distance }
}

export interface PlanCheck {
  feasible: boolean
  problems: string[]
  distance: number
}

/**
 * Checks an optimizer answer against its request: each job at most once (and either routed or
 * listed as unassigned), skills, fixed assignments, pins at their exact time, service starting in
 * a window, shifts, capacities, and the reported distances.
 */
export function validatePlan(problem: VrpProblem, solution: VrpSolution): PlanCheck {
  const problems: string[] = []
  const jobs = new Map(problem.jobs.map((j) => [j.id, j]))
  const vehicles = new Map(problem.vehicles.map((v) => [v.id, v]))
  const seen = new Map<string, number>()
  let total = 0
  const usedVehicles = new Set<string>()
  for (const route of solution.routes) {
    const v = vehicles.get(route.vehicle)
    if (!v) {
      problems.push(`unknown vehicle ${route.vehicle}`)
      continue
    }
    if (usedVehicles.has(v.id)) problems.push(`vehicle ${v.id} has two routes`)
    usedVehicles.add(v.id)
    const stops = route.steps.filter((s) => s.type === 'job')
    let pos = v.start
    let time = v.time_window[0]
    const startStep = route.steps.find((s) => s.type === 'start')
    if (startStep && startStep.arrival < v.time_window[0] - EPS) problems.push(`${v.id} leaves before its shift`)
    if (startStep) time = Math.max(time, startStep.arrival)
    let distance = 0
    const load = (v.capacity ?? []).map(() => 0)
    const skills = new Set(v.skills ?? [])
    for (const step of stops) {
      const job = step.id === undefined ? undefined : jobs.get(step.id)
      if (!job) {
        problems.push(`${v.id}: unknown job ${step.id}`)
        continue
      }
      seen.set(job.id, (seen.get(job.id) ?? 0) + 1)
      for (const s of job.skills ?? []) if (!skills.has(s)) problems.push(`${v.id} lacks skill ${s} for job ${job.id}`)
      const fixed = problem.fixedAssignment?.[job.id]
      if (fixed !== undefined && fixed !== v.id) problems.push(`job ${job.id} must stay on ${fixed}, found on ${v.id}`)
      const leg = pos ? geoTravel(pos, job.location, problem.metric) : { distanceM: 0, seconds: 0 }
      distance += leg.distanceM
      const arrival = time + leg.seconds
      const start = step.arrival
      if (start < arrival - EPS) problems.push(`job ${job.id} starts at ${start}, before arriving at ${arrival}`)
      if (job.pinned) {
        if (job.pinned.vehicle !== v.id) problems.push(`pinned job ${job.id} moved to ${v.id}`)
        if (Math.abs(start - job.pinned.arrival) > EPS) problems.push(`pinned job ${job.id} moved to ${start}`)
      }
      const windows = job.time_windows ?? []
      if (windows.length > 0 && !windows.some(([a, b]) => start >= a - EPS && start <= b + EPS))
        problems.push(`job ${job.id} starts at ${start}, outside its windows`)
      ;(job.amount ?? []).forEach((a, d) => {
        if (d < load.length) load[d] += a
      })
      time = start + job.service
      pos = job.location
    }
    const back = pos && v.end ? geoTravel(pos, v.end, problem.metric) : { distanceM: 0, seconds: 0 }
    distance += back.distanceM
    if (time + back.seconds > v.time_window[1] + EPS)
      problems.push(`${v.id} ends at ${time + back.seconds}, after its shift`)
    ;(v.capacity ?? []).forEach((c, d) => {
      if (load[d] > c + EPS) problems.push(`${v.id} carries ${load[d]}, over its capacity ${c}`)
    })
    if (Math.abs(distance - route.distance) > 1e-6 * Math.max(1, distance))
      problems.push(`${v.id} reports ${route.distance}, recomputed ${distance}`)
    total += distance
  }
  for (const u of solution.unassigned) seen.set(u.id, (seen.get(u.id) ?? 0) + 1)
  for (const job of problem.jobs) {
    const times = seen.get(job.id) ?? 0
    if (times === 0) problems.push(`job ${job.id} is neither routed nor listed as unassigned`)
    if (times > 1) problems.push(`job ${job.id} appears ${times} times`)
  }
  return { feasible: problems.length === 0, problems, distance: total }
}
