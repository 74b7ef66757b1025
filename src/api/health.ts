/**
 * Which upstreams behind the BFF are down right now, as the screens need to know it: ERPNext (the
 * plan, the technician's day) and the hub with its parts (modems, SMS, photo reading, positions).
 * An upstream is marked down by an answer that says so (the BFF's 503 naming it, or its older
 * "ERPNext / hub unreachable" refusals) or by /ops/readyz; while any is down, /ops/readyz is read
 * again with a growing, jittered delay until it says the upstream is back, and the screens that
 * wait for it (`onUpstreamBack`) reload by themselves, without a page reload. A screen that wants
 * to hear of an outage before its next own call asks for a light watch (`watchUpstreams`).
 */
import { computed, shallowRef, type ComputedRef } from 'vue'

export const UPSTREAMS = ['erpnext', 'hub', 'hub:devices', 'hub:sms', 'hub:vision', 'hub:traccar'] as const
export type Upstream = (typeof UPSTREAMS)[number]

export interface Outage {
  upstream: Upstream
  /** When this screen first heard it was down (ms). */
  since: number
  /** The BFF's own sentence, when it gave one. */
  sentence: { fr: string; en: string } | null
}

const FIRST_PROBE_MS = 2_000
const PROBE_CAP_MS = 30_000
const WATCH_EVERY_MS = 15_000

const outages = shallowRef<ReadonlyMap<Upstream, Outage>>(new Map())
const backListeners = new Set<{ upstream: Upstream; fn: () => void }>()
let probeTimer: ReturnType<typeof setTimeout> | null = null
let probeDelay = FIRST_PROBE_MS
let watchers = 0
let watchTimer: ReturnType<typeof setInterval> | null = null

const isUpstream = (v: unknown): v is Upstream => typeof v === 'string' && (UPSTREAMS as readonly string[]).includes(v)

/** The hub's parts fall with the hub: asking about `hub:devices` is also asking about `hub`. */
const parentOf = (u: Upstream): Upstream | null => (u.startsWith('hub:') ? 'hub' : null)

/**
 * The upstream an error answer says is down, or null: the BFF's 503 `{ upstream, message, … }`,
 * or its refusals that name ERPNext or the hub as unreachable.
 */
export function upstreamDownOf(status: number, code: string, body: unknown): Upstream | null {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  if (isUpstream(b.upstream) && status >= 500) return b.upstream
  if (code === 'ERP_UNREACHABLE' || (status === 502 && code === 'UpstreamError')) return 'erpnext'
  if (code === 'HUB_UNREACHABLE') return 'hub'
  return null
}

function emitBack(upstream: Upstream) {
  for (const l of [...backListeners]) {
    if (l.upstream === upstream || parentOf(l.upstream) === upstream) l.fn()
  }
}

export function noteUpstreamDown(upstream: Upstream, sentence: Outage['sentence'] = null, retryAfterS?: number) {
  const known = outages.value.get(upstream)
  if (!known) {
    const next = new Map(outages.value)
    next.set(upstream, { upstream, since: Date.now(), sentence })
    outages.value = next
  }
  const hinted = retryAfterS && retryAfterS > 0 ? Math.min(retryAfterS * 1000, PROBE_CAP_MS) : 0
  if (!known) probeDelay = Math.max(FIRST_PROBE_MS, hinted)
  scheduleProbe(known ? undefined : probeDelay)
}

/** An upstream answered again (a screen's own call succeeded, or /ops/readyz says so). */
export function noteUpstreamUp(upstream: Upstream) {
  const gone = [...outages.value.keys()].filter((u) => u === upstream || parentOf(u) === upstream)
  if (gone.length === 0) return
  const next = new Map(outages.value)
  for (const u of gone) next.delete(u)
  outages.value = next
  for (const u of gone) emitBack(u)
  if (next.size === 0 && probeTimer !== null) {
    clearTimeout(probeTimer)
    probeTimer = null
  }
}

/** The outage that stops `upstream` (its own or its parent's), or null. */
export function outageOf(upstream: Upstream): Outage | null {
  const map = outages.value
  const parent = parentOf(upstream)
  return map.get(upstream) ?? (parent ? (map.get(parent) ?? null) : null)
}

/** Calls `fn` each time `upstream` (or its parent) comes back; returns the unsubscribe function. */
export function onUpstreamBack(upstream: Upstream, fn: () => void): () => void {
  const entry = { upstream, fn }
  backListeners.add(entry)
  return () => backListeners.delete(entry)
}

/** Reactive: the outage stopping `upstream`, or null. */
export function useUpstream(upstream: Upstream): ComputedRef<Outage | null> {
  return computed(() => outageOf(upstream))
}

// ---- /ops/readyz ---------------------------------------------------------------------------------

type Verdict = 'up' | 'down' | 'unknown'

/** One entry of /ops/readyz: `{ ok }`, a breaker state (`open`, `half-open`, `closed`), or both. */
function verdictOf(entry: unknown): Verdict {
  if (typeof entry === 'string') return entry === 'open' ? 'down' : 'up'
  if (!entry || typeof entry !== 'object') return 'unknown'
  const e = entry as Record<string, unknown>
  const state = [e.state, e.breaker, (e.breaker as Record<string, unknown> | undefined)?.state].find(
    (s): s is string => typeof s === 'string',
  )
  if (e.ok === false || state === 'open') return 'down'
  if (e.ok === true || state !== undefined) return 'up'
  return 'unknown'
}

/** What /ops/readyz says of `upstream`, looking in `upstreams` and `breakers`, then at the parent. */
export function readyVerdict(body: unknown, upstream: Upstream): Verdict {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
  const sections = [b.upstreams, b.breakers].filter((s): s is Record<string, unknown> => !!s && typeof s === 'object')
  const verdicts = sections.map((s) => verdictOf(s[upstream])).filter((v) => v !== 'unknown')
  if (verdicts.includes('down')) return 'down'
  const parent = parentOf(upstream)
  const parentVerdict = parent ? readyVerdict(body, parent) : 'unknown'
  if (parentVerdict === 'down') return 'down'
  if (verdicts.includes('up')) return 'up'
  return parentVerdict
}

async function readReady(): Promise<unknown> {
  try {
    const res = await fetch('/ops/readyz', { cache: 'no-store', credentials: 'same-origin' })
    return await res.json()
  } catch {
    return null // the BFF itself is out of reach: connectivity.ts says so
  }
}

async function probe(): Promise<void> {
  probeTimer = null
  const body = await readReady()
  if (body !== null) {
    for (const u of [...outages.value.keys()]) if (readyVerdict(body, u) === 'up') noteUpstreamUp(u)
  }
  if (outages.value.size > 0) {
    probeDelay = Math.min(PROBE_CAP_MS, probeDelay * 2)
    scheduleProbe(probeDelay)
  }
}

function scheduleProbe(delay?: number) {
  if (typeof window === 'undefined') return
  if (delay === undefined && probeTimer !== null) return
  if (probeTimer !== null) clearTimeout(probeTimer)
  const ms = (delay ?? probeDelay) * (0.8 + Math.random() * 0.4)
  probeTimer = setTimeout(() => void probe(), ms)
}

async function watchOnce(): Promise<void> {
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return
  if (outages.value.size > 0) return // the probe is already on it
  const body = await readReady()
  if (body === null) return
  for (const u of ['erpnext', 'hub'] as const) if (readyVerdict(body, u) === 'down') noteUpstreamDown(u)
}

/**
 * While a screen that shows upstream data is open, /ops/readyz is read every 15 s, so an outage is
 * seen before the next click fails; returns the function that stops watching.
 */
export function watchUpstreams(): () => void {
  watchers++
  if (watchers === 1 && typeof window !== 'undefined') watchTimer = setInterval(() => void watchOnce(), WATCH_EVERY_MS)
  let stopped = false
  return () => {
    if (stopped) return
    stopped = true
    watchers--
    if (watchers === 0 && watchTimer !== null) {
      clearInterval(watchTimer)
      watchTimer = null
    }
  }
}

/** Is any upstream down? For a page-wide hint. */
export const anyUpstreamDown = computed(() => outages.value.size > 0)
