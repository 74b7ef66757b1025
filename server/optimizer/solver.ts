/**
 * The route optimizer: assigns and orders jobs on vehicles (technicians) under time windows,
 * shifts, skills, capacities, pins and fixed assignments.
 *
 * Objective, in order: leave out as little as possible (each job left out weighs 1 + its
 * priority, so one urgent job outweighs many ordinary ones; pinned jobs outweigh everything),
 * then travel as little as possible (total distance).
 *
 * Method: Slack Induction by String Removals (Christiaens & Vanden Berghe, 2020). A greedy
 * insertion builds a first plan; then, round after round, a few strings of consecutive jobs are
 * cut from routes near a random job and put back by cheapest insertion (in a random, demand,
 * far-first or near-first order, skipping positions now and then — "blinks"); the new plan is
 * kept under simulated annealing. Routes keep their earliest and latest service starts so an
 * insertion is checked in constant time. Large problems use neighbour lists and look only at the
 * routes of nearby jobs and the vehicles based nearest; distances are computed on the fly beyond
 * a couple of thousand locations.
 */
import { EARTH_RADIUS_M } from './travel'
import type {
  VrpOptions,
  VrpProblem,
  VrpRoute,
  VrpSolution,
  VrpStep,
  VrpSummary,
  VrpUnassigned,
  VrpUnassignedReason,
} from './types'

/** Beyond this many locations, distances are computed when needed rather than stored. */
const MATRIX_MAX_LOCATIONS = 2500
/** Neighbours kept per job when the full sorted list would be too large. */
const NEIGHBOURS_LARGE = 60
/** Nearest vehicles considered per job when there are many vehicles. */
const VEHICLES_PER_JOB = 40
/** Up to this many vehicles, every route is tried for each insertion. */
const ALL_ROUTES_MAX_VEHICLES = 120
const PIN_WEIGHT = 1e7
const NO_WINDOW = 1e18

/** SISR's parameters: average removed jobs, longest string, blink rate. */
const AVG_REMOVED = 10
const MAX_STRING = 10
const BLINK_RATE = 0.01

/** A seeded generator (mulberry32): the solver never uses Math.random. */
function makeRng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class SolveAbortedError extends Error {
  constructor() {
    super('The optimization was cancelled.')
    this.name = 'AbortError'
  }
}

/** The problem in flat arrays, indexed by job and vehicle number. */
class Model {
  readonly n: number
  readonly nv: number
  readonly dims: number
  readonly L: number
  readonly geo: boolean
  readonly detour: number
  /** Travel time = distance × timeFactor. */
  readonly timeFactor: number
  /** Euclidean: x, y. Geo: latitude and longitude in radians, and the latitude's cosine. */
  readonly px: Float64Array
  readonly py: Float64Array
  readonly pc: Float64Array
  /** Row stride of `mat`: the locations plus "nowhere" (index L), zero from and to everything. */
  readonly W: number
  readonly mat: Float64Array | null
  readonly jobLoc: Int32Array
  readonly vStart: Int32Array
  readonly vEnd: Int32Array
  readonly vTw0: Float64Array
  readonly vTw1: Float64Array
  readonly cap: Float64Array
  readonly amount: Float64Array
  readonly service: Float64Array
  readonly twOff: Int32Array
  readonly twA: Float64Array
  readonly twB: Float64Array
  readonly lastDue: Float64Array
  readonly weight: Float64Array
  readonly compat: Uint8Array
  readonly compatCount: Int32Array
  readonly vClass: Int32Array
  readonly classCount: number
  readonly nbr: Int32Array
  readonly nbrK: number
  /** Per job, compatible vehicles nearest first (all compatible ones when there are few vehicles). */
  readonly candVeh: Int32Array
  readonly candVehN: Int32Array
  readonly candM: number
  readonly depotDist: Float64Array
  readonly allRoutes: boolean
  /** A typical short hop (mean distance to the 5th nearest job), to scale the annealing temperature. */
  readonly scale: number

  constructor(readonly problem: VrpProblem) {
    const { jobs, vehicles } = problem
    const n = jobs.length
    const nv = vehicles.length
    this.n = n
    this.nv = nv
    this.geo = problem.metric.kind === 'geo'
    this.detour = problem.metric.kind === 'geo' ? problem.metric.detourFactor : 1
    this.timeFactor = problem.metric.kind === 'geo' ? 3.6 / problem.metric.speedKmh : 1
    let dims = 0
    for (const v of vehicles) dims = Math.max(dims, v.capacity?.length ?? 0)
    for (const j of jobs) dims = Math.max(dims, j.amount?.length ?? 0)
    this.dims = dims

    // Locations: one per job, then each distinct vehicle start or end.
    const coords: [number, number][] = jobs.map((j) => j.location)
    const byKey = new Map<string, number>()
    const locOf = (loc: [number, number] | undefined): number => {
      if (!loc) return -1
      const key = `${loc[0]},${loc[1]}`
      let i = byKey.get(key)
      if (i === undefined) {
        i = coords.length
        coords.push(loc)
        byKey.set(key, i)
      }
      return i
    }
    this.vStart = new Int32Array(nv)
    this.vEnd = new Int32Array(nv)
    this.vTw0 = new Float64Array(nv)
    this.vTw1 = new Float64Array(nv)
    this.cap = new Float64Array(nv * Math.max(1, dims)).fill(Infinity)
    vehicles.forEach((v, i) => {
      this.vStart[i] = locOf(v.start)
      this.vEnd[i] = locOf(v.end)
      this.vTw0[i] = v.time_window[0]
      this.vTw1[i] = v.time_window[1]
      v.capacity?.forEach((c, d) => (this.cap[i * dims + d] = c))
    })
    const L = coords.length
    this.L = L
    this.px = new Float64Array(L)
    this.py = new Float64Array(L)
    this.pc = new Float64Array(L)
    const rad = Math.PI / 180
    coords.forEach((c, i) => {
      if (this.geo) {
        this.px[i] = c[1] * rad
        this.py[i] = c[0] * rad
        this.pc[i] = Math.cos(c[1] * rad)
      } else {
        this.px[i] = c[0]
        this.py[i] = c[1]
      }
    })
    // A vehicle without a start (or end) begins (or finishes) "nowhere": location L.
    for (let v = 0; v < nv; v++) {
      if (this.vStart[v] < 0) this.vStart[v] = L
      if (this.vEnd[v] < 0) this.vEnd[v] = L
    }
    this.W = L + 1
    this.mat = null
    if (L <= MATRIX_MAX_LOCATIONS) {
      const W = L + 1
      const mat = new Float64Array(W * W)
      for (let a = 0; a < L; a++) for (let b = a + 1; b < L; b++) mat[a * W + b] = mat[b * W + a] = this.direct(a, b)
      this.mat = mat
    }

    this.jobLoc = new Int32Array(n)
    this.service = new Float64Array(n)
    this.amount = new Float64Array(n * Math.max(1, dims))
    this.weight = new Float64Array(n)
    this.lastDue = new Float64Array(n)
    this.twOff = new Int32Array(n + 1)
    const twA: number[] = []
    const twB: number[] = []
    jobs.forEach((j, i) => {
      this.jobLoc[i] = i
      this.service[i] = j.service
      j.amount?.forEach((a, d) => (this.amount[i * dims + d] = a))
      this.weight[i] = j.pinned ? PIN_WEIGHT : 1 + Math.max(0, j.priority ?? 0)
      const windows: [number, number][] = j.pinned
        ? [[j.pinned.arrival, j.pinned.arrival]]
        : j.time_windows && j.time_windows.length > 0
          ? [...j.time_windows].sort((x, y) => x[0] - y[0])
          : [[-NO_WINDOW, NO_WINDOW]]
      this.twOff[i] = twA.length
      for (const w of windows) {
        twA.push(w[0])
        twB.push(w[1])
      }
      this.lastDue[i] = Math.max(...windows.map((w) => w[1]))
    })
    this.twOff[n] = twA.length
    this.twA = Float64Array.from(twA)
    this.twB = Float64Array.from(twB)

    // Who may serve whom: skills, fixed assignment, pins.
    const vIndex = new Map(vehicles.map((v, i) => [v.id, i]))
    const vSkills = vehicles.map((v) => new Set(v.skills ?? []))
    this.compat = new Uint8Array(n * nv)
    this.compatCount = new Int32Array(n)
    jobs.forEach((j, i) => {
      const only = j.pinned?.vehicle ?? problem.fixedAssignment?.[j.id]
      const onlyIdx = only === undefined ? -1 : (vIndex.get(only) ?? -2)
      for (let v = 0; v < nv; v++) {
        if (onlyIdx !== -1 && onlyIdx !== v) continue
        if (j.skills && !j.skills.every((s) => vSkills[v].has(s))) continue
        this.compat[i * nv + v] = 1
        this.compatCount[i]++
      }
    })

    // Vehicles alike (same base, shift, capacity and skills) share one empty route to try.
    const classes = new Map<string, number>()
    this.vClass = new Int32Array(nv)
    vehicles.forEach((v, i) => {
      const key = JSON.stringify([v.start, v.end, v.time_window, v.capacity, [...(v.skills ?? [])].sort()])
      let c = classes.get(key)
      if (c === undefined) classes.set(key, (c = classes.size))
      this.vClass[i] = c
    })
    this.classCount = classes.size
    this.allRoutes = nv <= ALL_ROUTES_MAX_VEHICLES

    // Neighbour lists (nearest jobs first, the job itself first).
    const K = n <= 1000 ? n : Math.min(n, NEIGHBOURS_LARGE)
    this.nbrK = K
    this.nbr = new Int32Array(n * K)
    if (n <= 1000) {
      const idx = new Int32Array(n)
      const d = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < n; k++) {
          idx[k] = k
          d[k] = k === i ? -1 : this.dist(i, k)
        }
        const sorted = Array.from(idx).sort((a, b) => d[a] - d[b])
        for (let k = 0; k < K; k++) this.nbr[i * K + k] = sorted[k]
      }
    } else this.gridNeighbours(K)

    let s = 0
    for (let i = 0; i < n; i++) s += this.dist(i, this.nbr[i * K + Math.min(K - 1, 5)])
    this.scale = n > 0 && s > 0 ? s / n : 1

    // Candidate vehicles per job, by distance from the vehicle's base.
    this.candM = this.allRoutes ? nv : Math.min(nv, VEHICLES_PER_JOB)
    const M = this.candM
    this.candVeh = new Int32Array(n * M)
    this.candVehN = new Int32Array(n)
    this.depotDist = new Float64Array(n)
    const bestD = new Float64Array(M)
    for (let i = 0; i < n; i++) {
      let cnt = 0
      let nearest = Infinity
      for (let v = 0; v < nv; v++) {
        if (!this.compat[i * nv + v]) continue
        const base = this.vStart[v] !== L ? this.vStart[v] : this.vEnd[v]
        const dv = this.dist(base, i)
        if (dv < nearest) nearest = dv
        if (cnt < M) {
          let p = cnt++
          while (p > 0 && bestD[p - 1] > dv) {
            bestD[p] = bestD[p - 1]
            this.candVeh[i * M + p] = this.candVeh[i * M + p - 1]
            p--
          }
          bestD[p] = dv
          this.candVeh[i * M + p] = v
        } else if (dv < bestD[M - 1]) {
          let p = M - 1
          while (p > 0 && bestD[p - 1] > dv) {
            bestD[p] = bestD[p - 1]
            this.candVeh[i * M + p] = this.candVeh[i * M + p - 1]
            p--
          }
          bestD[p] = dv
          this.candVeh[i * M + p] = v
        }
      }
      this.candVehN[i] = cnt
      this.depotDist[i] = Number.isFinite(nearest) ? nearest : 0
    }
  }

  /** Distance between two locations computed from coordinates. */
  direct(a: number, b: number): number {
    if (this.geo) {
      const dLat = this.px[b] - this.px[a]
      const dLon = this.py[b] - this.py[a]
      const s1 = Math.sin(dLat / 2)
      const s2 = Math.sin(dLon / 2)
      const h = s1 * s1 + this.pc[a] * this.pc[b] * s2 * s2
      return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h))) * this.detour
    }
    const dx = this.px[a] - this.px[b]
    const dy = this.py[a] - this.py[b]
    return Math.sqrt(dx * dx + dy * dy)
  }

  /** Distance between two locations; "nowhere" (L) is everywhere at once. */
  dist(a: number, b: number): number {
    if (this.mat !== null) return this.mat[a * this.W + b]
    if (a === this.L || b === this.L || a === b) return 0
    return this.direct(a, b)
  }

  /** Service start for an arrival at `arr`, or Infinity when every window has closed. */
  windowStart(j: number, arr: number): number {
    for (let w = this.twOff[j], e = this.twOff[j + 1]; w < e; w++) {
      if (arr <= this.twB[w]) return arr > this.twA[w] ? arr : this.twA[w]
    }
    return Infinity
  }

  /** Latest service start not after `limit`, or -Infinity. */
  latestStart(j: number, limit: number): number {
    for (let w = this.twOff[j + 1] - 1; w >= this.twOff[j]; w--) {
      if (this.twA[w] <= limit) return this.twB[w] < limit ? this.twB[w] : limit
    }
    return -Infinity
  }

  private gridNeighbours(K: number): void {
    const n = this.n
    // Plane coordinates for bucketing (equirectangular for geo).
    const gx = new Float64Array(n)
    const gy = new Float64Array(n)
    let meanCos = 0
    for (let i = 0; i < n; i++) meanCos += this.geo ? this.pc[i] : 1
    meanCos /= n
    for (let i = 0; i < n; i++) {
      gx[i] = this.geo ? this.py[i] * meanCos : this.px[i]
      gy[i] = this.geo ? this.px[i] : this.py[i]
    }
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, gx[i])
      maxX = Math.max(maxX, gx[i])
      minY = Math.min(minY, gy[i])
      maxY = Math.max(maxY, gy[i])
    }
    const side = Math.max(1, Math.ceil(Math.sqrt(n / 4)))
    const cw = (maxX - minX) / side || 1
    const ch = (maxY - minY) / side || 1
    const cellOf = (i: number): [number, number] => [
      Math.min(side - 1, Math.floor((gx[i] - minX) / cw)),
      Math.min(side - 1, Math.floor((gy[i] - minY) / ch)),
    ]
    const cells: number[][] = Array.from({ length: side * side }, () => [])
    for (let i = 0; i < n; i++) {
      const [cx, cy] = cellOf(i)
      cells[cy * side + cx].push(i)
    }
    const found: number[] = []
    for (let i = 0; i < n; i++) {
      const [cx, cy] = cellOf(i)
      found.length = 0
      let r = 0
      let extra = 1
      for (;;) {
        for (let y = cy - r; y <= cy + r; y++) {
          if (y < 0 || y >= side) continue
          for (let x = cx - r; x <= cx + r; x++) {
            if (x < 0 || x >= side) continue
            if (Math.max(Math.abs(x - cx), Math.abs(y - cy)) !== r) continue
            for (const k of cells[y * side + x]) found.push(k)
          }
        }
        if (found.length >= K) {
          if (extra-- <= 0) break
        }
        r++
        if (r > side) break
      }
      const d = new Map<number, number>()
      for (const k of found) d.set(k, k === i ? -1 : this.dist(i, k))
      found.sort((a, b) => (d.get(a) ?? 0) - (d.get(b) ?? 0))
      for (let k = 0; k < K; k++) this.nbr[i * K + k] = found[Math.min(k, found.length - 1)]
    }
  }
}

/** The plan being improved: routes as job arrays with their schedules. */
class Plan {
  readonly routes: number[][]
  /** Earliest and latest service start per position. */
  readonly es: number[][]
  readonly ls: number[][]
  readonly load: Float64Array
  readonly rDist: Float64Array
  readonly version: Int32Array
  readonly routeOf: Int32Array
  unassigned: number[] = []
  total = 0
  unassignedWeight = 0
  nonEmpty = 0
  assigned = 0

  constructor(readonly m: Model) {
    this.routes = Array.from({ length: m.nv }, () => [])
    this.es = Array.from({ length: m.nv }, () => [])
    this.ls = Array.from({ length: m.nv }, () => [])
    this.load = new Float64Array(m.nv * Math.max(1, m.dims))
    this.rDist = new Float64Array(m.nv)
    this.version = new Int32Array(m.nv)
    this.routeOf = new Int32Array(m.n).fill(-1)
  }

  /** Recomputes a route's schedule, load and distance after its job list changed. */
  update(r: number): void {
    const m = this.m
    const route = this.routes[r]
    const len = route.length
    const es = this.es[r]
    const ls = this.ls[r]
    es.length = len
    ls.length = len
    let prev = m.vStart[r]
    let t = m.vTw0[r]
    let d = 0
    const dims = m.dims
    for (let k = 0; k < dims; k++) this.load[r * dims + k] = 0
    for (let i = 0; i < len; i++) {
      const j = route[i]
      const loc = m.jobLoc[j]
      const hop = m.dist(prev, loc)
      d += hop
      const s = m.windowStart(j, t + hop * m.timeFactor)
      es[i] = s
      t = s + m.service[j]
      prev = loc
      this.routeOf[j] = r
      for (let k = 0; k < dims; k++) this.load[r * dims + k] += m.amount[j * dims + k]
    }
    if (len > 0) d += m.dist(prev, m.vEnd[r])
    let next = m.vEnd[r]
    let latest = m.vTw1[r]
    for (let i = len - 1; i >= 0; i--) {
      const j = route[i]
      const loc = m.jobLoc[j]
      latest = m.latestStart(j, latest - m.dist(loc, next) * m.timeFactor - m.service[j])
      ls[i] = latest
      next = loc
    }
    this.total += d - this.rDist[r]
    this.rDist[r] = d
    this.version[r]++
  }
}

interface Insertion {
  route: number
  pos: number
  delta: number
}

export interface SolveStats {
  iterations: number
  initialDistance: number
}

/** Solves in the calling thread; see optimizeInWorker to keep an event loop free. */
export function solve(problem: VrpProblem, options: VrpOptions): VrpSolution {
  return solveWithStats(problem, options).solution
}

export function solveWithStats(problem: VrpProblem, options: VrpOptions): { solution: VrpSolution; stats: SolveStats } {
  const t0 = performance.now()
  const deadline = t0 + Math.max(0, options.timeBudgetMs)
  const m = new Model(problem)
  const rng = makeRng(options.seed ?? 1)
  const plan = new Plan(m)
  const n = m.n
  const nv = m.nv
  const dims = m.dims
  const checkAbort = (): void => {
    if (options.signal?.aborted) throw new SolveAbortedError()
  }
  checkAbort()

  // Insertion scratch.
  const routeStamp = new Int32Array(nv)
  const classStamp = new Int32Array(Math.max(1, m.classCount))
  let stamp = 0
  const best: Insertion = { route: -1, pos: -1, delta: Infinity }

  const mat = m.mat
  const W = m.W
  const tryRoute = (j: number, r: number, blink: boolean): void => {
    const route = plan.routes[r]
    const len = route.length
    for (let k = 0; k < dims; k++) {
      if (plan.load[r * dims + k] + m.amount[j * dims + k] > m.cap[r * dims + k]) return
    }
    const es = plan.es[r]
    const ls = plan.ls[r]
    const lj = m.jobLoc[j]
    const tf = m.timeFactor
    const svc = m.service[j]
    const due = m.lastDue[j]
    const single = m.twOff[j + 1] - m.twOff[j] === 1
    const wa = m.twA[m.twOff[j]]
    // The job cannot end before its first window opens plus its service: skip positions whose
    // next stop must start before that.
    const minEnd = wa + svc
    let prevLoc = m.vStart[r]
    let dep = m.vTw0[r]
    for (let i = 0; i <= len; i++) {
      if (i > 0) {
        const pj = route[i - 1]
        prevLoc = m.jobLoc[pj]
        dep = es[i - 1] + m.service[pj]
      }
      if (i < len && ls[i] < minEnd) continue
      if (blink && rng() < BLINK_RATE) continue
      const dIn = mat !== null ? mat[prevLoc * W + lj] : m.dist(prevLoc, lj)
      const arr = dep + dIn * tf
      if (arr > due) break
      const s = single ? (arr > wa ? arr : wa) : m.windowStart(j, arr)
      if (s === Infinity) continue
      const nextLoc = i === len ? m.vEnd[r] : m.jobLoc[route[i]]
      const nl = i === len ? m.vTw1[r] : ls[i]
      const dOut = mat !== null ? mat[lj * W + nextLoc] : m.dist(lj, nextLoc)
      if (s + svc + dOut * tf > nl) continue
      // An empty route costs nothing until it serves a job.
      const delta =
        len === 0 ? dIn + dOut : dIn + dOut - (mat !== null ? mat[prevLoc * W + nextLoc] : m.dist(prevLoc, nextLoc))
      if (delta < best.delta) {
        best.delta = delta
        best.route = r
        best.pos = i
      }
    }
  }

  const findInsertion = (j: number, blink: boolean): void => {
    best.route = -1
    best.delta = Infinity
    stamp++
    const base = j * nv
    if (m.allRoutes) {
      for (let r = 0; r < nv; r++) {
        if (!m.compat[base + r]) continue
        if (plan.routes[r].length === 0) {
          const c = m.vClass[r]
          if (classStamp[c] === stamp) continue
          classStamp[c] = stamp
        }
        tryRoute(j, r, blink)
      }
      return
    }
    const K = m.nbrK
    const nb = Math.min(K, 30)
    for (let k = 1; k < nb; k++) {
      const o = m.nbr[j * K + k]
      const r = plan.routeOf[o]
      if (r < 0 || routeStamp[r] === stamp || !m.compat[base + r]) continue
      routeStamp[r] = stamp
      tryRoute(j, r, blink)
    }
    const M = m.candM
    for (let k = 0; k < m.candVehN[j]; k++) {
      const r = m.candVeh[j * M + k]
      if (routeStamp[r] === stamp) continue
      routeStamp[r] = stamp
      if (plan.routes[r].length === 0) {
        const c = m.vClass[r]
        if (classStamp[c] === stamp) continue
        classStamp[c] = stamp
      }
      tryRoute(j, r, blink)
    }
  }

  // Journal of the routes changed in a round, to undo a rejected one.
  const touched: number[] = []
  const touchStamp = new Int32Array(nv)
  const saved: number[][] = Array.from({ length: nv }, () => [])
  let round = 1
  const touch = (r: number): void => {
    if (touchStamp[r] === round) return
    touchStamp[r] = round
    touched.push(r)
    saved[r] = plan.routes[r].slice()
  }
  const setRoute = (r: number, jobs: number[]): void => {
    const before = plan.routes[r].length
    plan.routes[r] = jobs
    if (before === 0 && jobs.length > 0) plan.nonEmpty++
    else if (before > 0 && jobs.length === 0) plan.nonEmpty--
    plan.assigned += jobs.length - before
    plan.update(r)
  }

  const removed: number[] = []
  const removedFlag = new Uint8Array(n)
  const removeFromRoute = (r: number, from: number, count: number, keepFrom: number, keepCount: number): void => {
    touch(r)
    const route = plan.routes[r]
    const next: number[] = []
    for (let i = 0; i < route.length; i++) {
      const inCut = i >= from && i < from + count && !(i >= keepFrom && i < keepFrom + keepCount)
      if (inCut) {
        removed.push(route[i])
        removedFlag[route[i]] = 1
        plan.routeOf[route[i]] = -1
      } else next.push(route[i])
    }
    setRoute(r, next)
  }

  /** Puts every job of `pending` back where it is cheapest, in the given order. */
  const recreate = (pending: number[], blink: boolean): void => {
    for (const j of pending) {
      findInsertion(j, blink)
      // Building the first plan, a job no nearby vehicle can take is tried on every vehicle.
      if (best.route < 0 && !blink && !m.allRoutes) {
        for (let r = 0; r < nv; r++) if (m.compat[j * nv + r]) tryRoute(j, r, false)
      }
      if (best.route < 0) {
        plan.unassigned.push(j)
        plan.unassignedWeight += m.weight[j]
        continue
      }
      const r = best.route
      touch(r)
      const next = plan.routes[r].slice()
      next.splice(best.pos, 0, j)
      setRoute(r, next)
    }
  }

  const sortKey = new Float64Array(n)
  const orderPending = (pending: number[], mode: number): void => {
    if (mode === 0) {
      for (let i = pending.length - 1; i > 0; i--) {
        const k = Math.floor(rng() * (i + 1))
        const t = pending[i]
        pending[i] = pending[k]
        pending[k] = t
      }
      for (const j of pending) sortKey[j] = 0
    } else {
      for (const j of pending) {
        let dem = 0
        for (let k = 0; k < dims; k++) dem += m.amount[j * dims + k]
        sortKey[j] = mode === 1 ? -dem : mode === 2 ? -m.depotDist[j] : m.depotDist[j]
      }
    }
    // Heavier (urgent, pinned) jobs first, then the chosen order.
    pending.sort((a, b) => m.weight[b] - m.weight[a] || sortKey[a] - sortKey[b])
  }

  // First plan: every job inserted greedily, the most constrained and far ones first.
  {
    const all: number[] = []
    for (let j = 0; j < n; j++) all.push(j)
    orderPending(all, 2)
    recreate(all, false)
  }
  const initialDistance = plan.total
  touched.length = 0
  round++

  // Best plan so far, copied route by route when it changes.
  const bestRoutes: number[][] = plan.routes.map((r) => r.slice())
  const bestVersion = Int32Array.from(plan.version)
  let bestUnassigned = plan.unassigned.slice()
  let bestTotal = plan.total
  let bestWeight = plan.unassignedWeight
  const recordBest = (): void => {
    for (let r = 0; r < nv; r++) {
      if (plan.version[r] !== bestVersion[r]) {
        bestRoutes[r] = plan.routes[r].slice()
        bestVersion[r] = plan.version[r]
      }
    }
    bestUnassigned = plan.unassigned.slice()
    bestTotal = plan.total
    bestWeight = plan.unassignedWeight
  }

  const T0 = 10 * m.scale
  const Tf = 0.05 * m.scale
  const maxIter = options.iterations ?? Infinity
  let iter = 0
  // The first report comes with the first plan, then about four a second.
  let lastProgress = -Infinity
  const summaryOfBest = (): VrpSummary => {
    let vehicles = 0
    for (let r = 0; r < nv; r++) if (bestRoutes[r].length > 0) vehicles++
    return {
      vehicles,
      distance: bestTotal,
      duration: 0,
      service: 0,
      waiting_time: 0,
      unassigned: bestUnassigned.length,
      unassigned_priority: bestUnassigned.reduce((s, j) => s + (problem.jobs[j].priority ?? 0), 0),
      computing_ms: Math.round(performance.now() - t0),
    }
  }

  const pending: number[] = []
  while (n > 0 && iter < maxIter) {
    const now = performance.now()
    if (now - lastProgress > 250) {
      lastProgress = now
      checkAbort()
      options.onProgress?.({
        fraction: Math.min(
          1,
          Number.isFinite(maxIter) ? iter / maxIter : (now - t0) / Math.max(1, options.timeBudgetMs),
        ),
        best: summaryOfBest(),
      })
    }
    if (now >= deadline) break
    const fraction = Number.isFinite(maxIter) ? iter / maxIter : (now - t0) / Math.max(1, deadline - t0)
    const T = T0 * Math.pow(Tf / T0, Math.min(1, fraction))
    iter++
    round++
    touched.length = 0
    const prevTotal = plan.total
    const prevWeight = plan.unassignedWeight
    const prevUnassigned = plan.unassigned

    // Ruin: strings cut from routes near a random job.
    removed.length = 0
    const avgCard = plan.nonEmpty > 0 ? plan.assigned / plan.nonEmpty : 1
    const lsMax = Math.max(1, Math.min(MAX_STRING, avgCard))
    const ksMax = (4 * AVG_REMOVED) / (1 + lsMax) - 1
    const ks = Math.floor(rng() * ksMax) + 1
    const seed = Math.floor(rng() * n)
    let ruined = 0
    const K = m.nbrK
    for (let k = 0; k < K && ruined < ks; k++) {
      const c = m.nbr[seed * K + k]
      const r = plan.routeOf[c]
      if (r < 0 || removedFlag[c] || touchStamp[r] === round) continue
      const route = plan.routes[r]
      const len = route.length
      const lMax = Math.min(len, lsMax)
      const l = Math.floor(rng() * lMax) + 1
      const pos = route.indexOf(c)
      if (rng() < 0.5 || l === len) {
        // A string of l jobs containing c.
        const lo = Math.max(0, pos - l + 1)
        const hi = Math.min(pos, len - l)
        const from = lo + Math.floor(rng() * (hi - lo + 1))
        removeFromRoute(r, from, l, 0, 0)
      } else {
        // A string of l + keep jobs containing c, of which a middle stretch of `keep` stays.
        let keep = 1
        const keepMax = len - l
        while (keep < keepMax && rng() > 0.5) keep++
        const span = l + keep
        const lo = Math.max(0, pos - span + 1)
        const hi = Math.min(pos, len - span)
        const from = lo + Math.floor(rng() * (hi - lo + 1))
        const keepFrom = from + Math.floor(rng() * (l + 1))
        removeFromRoute(r, from, span, keepFrom, keep)
      }
      ruined++
    }

    // Recreate: removed jobs and those left out, in one of four orders.
    pending.length = 0
    for (const j of removed) pending.push(j)
    for (const j of prevUnassigned) pending.push(j)
    plan.unassigned = []
    plan.unassignedWeight = 0
    const pick = rng() * 11
    orderPending(pending, pick < 4 ? 0 : pick < 8 ? 1 : pick < 10 ? 2 : 3)
    recreate(pending, true)
    for (const j of removed) removedFlag[j] = 0

    // Accept: fewer left out, or as many and shorter under annealing.
    const w = plan.unassignedWeight
    const accept =
      w < prevWeight || (w === prevWeight && plan.total < prevTotal - T * Math.log(Math.max(1e-300, rng())))
    if (accept) {
      if (w < bestWeight || (w === bestWeight && plan.total < bestTotal - 1e-9)) recordBest()
    } else {
      // Undo: restore each touched route as it was.
      for (const r of touched) for (const j of plan.routes[r]) plan.routeOf[j] = -1
      for (const r of touched) setRoute(r, saved[r])
      plan.unassigned = prevUnassigned
      plan.unassignedWeight = prevWeight
    }
  }
  checkAbort()

  const solution = buildSolution(m, bestRoutes, bestUnassigned, t0)
  return { solution, stats: { iterations: iter, initialDistance } }
}

function buildSolution(m: Model, routes: number[][], unassigned: number[], t0: number): VrpSolution {
  const { problem } = m
  const out: VrpRoute[] = []
  const summary: VrpSummary = {
    vehicles: 0,
    distance: 0,
    duration: 0,
    service: 0,
    waiting_time: 0,
    unassigned: unassigned.length,
    unassigned_priority: 0,
    computing_ms: 0,
  }
  for (let r = 0; r < m.nv; r++) {
    const route = routes[r]
    if (route.length === 0) continue
    const vehicle = problem.vehicles[r]
    const tf = m.timeFactor
    // Earliest service starts, then leave home as late as the first job allows.
    const starts: number[] = []
    let t = m.vTw0[r]
    let prev = m.vStart[r]
    for (const j of route) {
      const s = m.windowStart(j, t + m.dist(prev, m.jobLoc[j]) * tf)
      starts.push(s)
      t = s + m.service[j]
      prev = m.jobLoc[j]
    }
    const departure = Math.max(m.vTw0[r], starts[0] - m.dist(m.vStart[r], m.jobLoc[route[0]]) * tf)
    const steps: VrpStep[] = []
    let distance = 0
    let duration = 0
    let service = 0
    let waiting = 0
    steps.push({ type: 'start', location: vehicle.start, arrival: departure, service: 0, waiting_time: 0, distance: 0 })
    t = departure
    prev = m.vStart[r]
    route.forEach((j, i) => {
      const hop = m.dist(prev, m.jobLoc[j])
      distance += hop
      duration += hop * tf
      const arrival = t + hop * tf
      const s = starts[i]
      const job = problem.jobs[j]
      steps.push({
        type: 'job',
        id: job.id,
        location: job.location,
        arrival: s,
        service: job.service,
        waiting_time: s - arrival,
        distance,
      })
      waiting += s - arrival
      service += job.service
      t = s + job.service
      prev = m.jobLoc[j]
    })
    const back = m.dist(prev, m.vEnd[r])
    distance += back
    duration += back * tf
    steps.push({
      type: 'end',
      location: vehicle.end,
      arrival: t + back * tf,
      service: 0,
      waiting_time: 0,
      distance,
    })
    out.push({ vehicle: vehicle.id, steps, distance, duration, service, waiting_time: waiting })
    summary.vehicles++
    summary.distance += distance
    summary.duration += duration
    summary.service += service
    summary.waiting_time += waiting
  }
  const left: VrpUnassigned[] = unassigned
    .slice()
    .sort((a, b) => a - b)
    .map((j) => ({ id: problem.jobs[j].id, reason: unassignedReason(m, j) }))
  summary.unassigned_priority = unassigned.reduce((s, j) => s + (problem.jobs[j].priority ?? 0), 0)
  summary.computing_ms = Math.round(performance.now() - t0)
  return { routes: out, unassigned: left, summary }
}

/** Why a job was left out, judged on the job alone against each vehicle that may serve it. */
function unassignedReason(m: Model, j: number): VrpUnassignedReason {
  if (m.compatCount[j] === 0) return 'no_skilled_vehicle'
  let reachable = false
  let capacityOnly = false
  for (let v = 0; v < m.nv; v++) {
    if (!m.compat[j * m.nv + v]) continue
    let fits = true
    for (let k = 0; k < m.dims; k++) if (m.amount[j * m.dims + k] > m.cap[v * m.dims + k]) fits = false
    const s = m.windowStart(j, m.vTw0[v] + m.dist(m.vStart[v], m.jobLoc[j]) * m.timeFactor)
    if (s === Infinity) continue
    reachable = true
    if (s + m.service[j] + m.dist(m.jobLoc[j], m.vEnd[v]) * m.timeFactor > m.vTw1[v]) continue
    if (fits) return 'no_room'
    capacityOnly = true
  }
  if (capacityOnly) return 'no_room'
  return reachable ? 'shift_too_short' : 'window_impossible'
}
