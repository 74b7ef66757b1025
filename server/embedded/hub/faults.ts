/**
 * Fault plan — make the embedded hub misbehave on purpose, so the BFF's timeouts, retries and
 * error messages can be exercised without a real outage.
 *
 * ## README: fault hooks
 *
 * Set at start-up with the env var `HUB_FAULTS` (CLI) or the `faults` option, as a comma-separated
 * list of `<surface>.<key>=<value>`:
 *
 *     HUB_FAULTS="vision.fail=2,vision.status=500,vision.delay=9000,traccar.fail=1003,sms.delay=50"
 *
 * | key                  | meaning                                                                  |
 * | -------------------- | ------------------------------------------------------------------------ |
 * | `<s>.fail=N`         | the next N calls to surface `s` answer `<s>.status` (default 500), then recover |
 * | `<s>.status=S`       | status used by `fail` (and by `traccar.fail`)                            |
 * | `<s>.delay=MS`       | wait MS before answering each call (e.g. `vision.delay=9000` > the BFF's 8 s timeout) |
 * | `vision.drop=N`      | the next N vision calls are processed (and their Idempotency-Key answer stored), then the connection is dropped without an answer |
 * | `traccar.fail=ID`    | **device ids**, not a count: those Traccar devices always fail (`1003` or `1003|1007`) — so the BFF's "one technician's position is missing" path can be seen |
 * | `traccar.failNext=N` | the next N position calls fail, whatever the device                      |
 * | `sms.delay=MS`       | **pipeline step**, not a reply delay: queued → sent → delivered are MS apart, a simulated reply comes 2.5 steps later (default 400 ms) |
 *
 * Surfaces: `vision`, `traccar`, `sms`, `devices`, `users`, `jobs`.
 *
 * At run time, when test hooks are on (option `testHooks: true` or env `HUB_TEST_HOOKS=1`), still
 * behind the bearer token:
 *   `POST /_test/faults` `{"vision": {"fail": 2, "status": 500, "delayMs": 9000}}` merges into the plan;
 *   `DELETE /_test/faults` resets it; `GET /_test/faults` shows it.
 * `vision.drop` only truly drops the TCP connection when the hub runs behind its own Node server
 * (`startHub`); through `app.fetch` the response body errors instead, which a fetch client sees the
 * same way (a network error while reading).
 */

import { HubError, sleep } from './errors'

export const FAULT_SURFACES = ['vision', 'traccar', 'sms', 'devices', 'users', 'jobs'] as const
export type FaultSurface = (typeof FAULT_SURFACES)[number]

export interface SurfaceFaults {
  /** Calls left that answer `status`. */
  fail: number
  status: number
  delayMs: number
  /** Calls left whose connection is dropped after processing (vision). */
  drop: number
  /** Traccar devices that always fail. */
  failDevices: number[]
}

export type FaultPatch = Partial<Record<FaultSurface, Partial<SurfaceFaults>>>

/** What one call must suffer, decided (and counters consumed) when it starts. */
export interface FaultDecision {
  delayMs: number
  failStatus: number | null
  drop: boolean
}

export class FaultSpecError extends Error {}

const DEFAULT_STATUS = 500

function emptySurface(): SurfaceFaults {
  return { fail: 0, status: DEFAULT_STATUS, delayMs: 0, drop: 0, failDevices: [] }
}

function isSurface(name: string): name is FaultSurface {
  return (FAULT_SURFACES as readonly string[]).includes(name)
}

function nonNegativeInt(value: unknown, what: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new FaultSpecError(`${what} must be a non-negative integer, got ${JSON.stringify(value)}`)
  }
  return n
}

function httpStatus(value: unknown, what: string): number {
  const n = nonNegativeInt(value, what)
  if (n < 400 || n > 599) throw new FaultSpecError(`${what} must be an HTTP error status (400–599), got ${n}`)
  return n
}

function deviceIds(value: unknown, what: string): number[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split('|') : [value]
  return items.map((v) => nonNegativeInt(v, what))
}

/** One key of one surface, from either the env string or the JSON body. */
function applyKey(target: Partial<SurfaceFaults>, surface: FaultSurface, key: string, value: unknown): void {
  const what = `${surface}.${key}`
  switch (key) {
    case 'fail':
      if (surface === 'traccar') target.failDevices = deviceIds(value, what)
      else target.fail = nonNegativeInt(value, what)
      return
    case 'failNext':
      target.fail = nonNegativeInt(value, what)
      return
    case 'status':
      target.status = httpStatus(value, what)
      return
    case 'delay':
    case 'delayMs':
      target.delayMs = nonNegativeInt(value, what)
      return
    case 'drop':
      if (surface !== 'vision') throw new FaultSpecError(`${what}: drop is only supported on vision`)
      target.drop = nonNegativeInt(value, what)
      return
    case 'failDevices':
      target.failDevices = deviceIds(value, what)
      return
    default:
      throw new FaultSpecError(`unknown fault key "${what}"`)
  }
}

/** Parses `vision.fail=2,traccar.fail=1003,...`; throws FaultSpecError with a readable message. */
export function parseFaultSpec(spec: string): FaultPatch {
  const patch: FaultPatch = {}
  for (const raw of spec.split(',')) {
    const item = raw.trim()
    if (!item) continue
    const m = /^([a-z]+)\.([A-Za-z]+)=(.+)$/.exec(item)
    if (!m) throw new FaultSpecError(`malformed fault "${item}" (expected surface.key=value)`)
    const [, surface, key, value] = m
    if (!isSurface(surface))
      throw new FaultSpecError(`unknown fault surface "${surface}" (one of ${FAULT_SURFACES.join(', ')})`)
    applyKey((patch[surface] ??= {}), surface, key, value.trim())
  }
  return patch
}

/** Validates the JSON body of `POST /_test/faults`. */
export function parseFaultJson(body: Record<string, unknown>): FaultPatch {
  const patch: FaultPatch = {}
  for (const [surface, keys] of Object.entries(body)) {
    if (!isSurface(surface))
      throw new FaultSpecError(`unknown fault surface "${surface}" (one of ${FAULT_SURFACES.join(', ')})`)
    if (!keys || typeof keys !== 'object' || Array.isArray(keys))
      throw new FaultSpecError(`${surface} must be an object`)
    const target: Partial<SurfaceFaults> = (patch[surface] = {})
    for (const [key, value] of Object.entries(keys)) applyKey(target, surface, key, value)
  }
  return patch
}

export class FaultPlan {
  private surfaces = new Map<FaultSurface, SurfaceFaults>()

  constructor(spec?: string) {
    if (spec) this.merge(parseFaultSpec(spec))
  }

  merge(patch: FaultPatch): void {
    for (const surface of FAULT_SURFACES) {
      const p = patch[surface]
      if (p) this.surfaces.set(surface, { ...this.get(surface), ...p })
    }
  }

  reset(): void {
    this.surfaces.clear()
  }

  get(surface: FaultSurface): SurfaceFaults {
    return { ...(this.surfaces.get(surface) ?? emptySurface()) }
  }

  snapshot(): Record<FaultSurface, SurfaceFaults> {
    return Object.fromEntries(FAULT_SURFACES.map((s) => [s, this.get(s)])) as Record<FaultSurface, SurfaceFaults>
  }

  /** Decides the fate of one call, consuming the `fail` / `drop` counters. */
  take(surface: FaultSurface): FaultDecision {
    const s = this.surfaces.get(surface)
    if (!s) return { delayMs: 0, failStatus: null, drop: false }
    let failStatus: number | null = null
    let drop = false
    if (s.fail > 0) {
      s.fail -= 1
      failStatus = s.status
    } else if (s.drop > 0) {
      s.drop -= 1
      drop = true
    }
    return { delayMs: s.delayMs, failStatus, drop }
  }

  /** Status a Traccar device must fail with, or null when it answers normally. */
  deviceFailure(deviceId: number): number | null {
    const s = this.surfaces.get('traccar')
    return s && s.failDevices.includes(deviceId) ? s.status : null
  }
}

/**
 * Applies the plan to one call: waits the configured delay, then fails it if a `fail` is pending.
 * Returns the decision so the caller can honour `drop` after doing its work.
 */
export async function applyFaults(
  plan: FaultPlan,
  surface: FaultSurface,
  opts: { ignoreDelay?: boolean } = {},
): Promise<FaultDecision> {
  const decision = plan.take(surface)
  if (decision.delayMs > 0 && !opts.ignoreDelay) await sleep(decision.delayMs)
  if (decision.failStatus !== null) {
    throw new HubError(decision.failStatus, 'FAULT_INJECTED', `Simulated ${surface} failure (fault plan)`)
  }
  return decision
}
