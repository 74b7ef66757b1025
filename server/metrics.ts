/**
 * Prometheus metrics (prom-client), served at /ops/metrics to loopback peers or with
 * METRICS_TOKEN: request rates and latencies per route pattern, upstream latencies and breaker
 * states, live event streams, rate-limit refusals, and counts of the documents written (flow runs
 * among them). Names are `ops_*`; docs/EXPLOITATION.md says what to watch.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { BreakerState, UpstreamName } from './upstream/breaker'

export const registry = new Registry()
collectDefaultMetrics({ register: registry, prefix: 'ops_' })

const registers = [registry]

export const httpRequests = new Counter({
  name: 'ops_http_requests_total',
  help: 'Requests answered, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers,
})

export const httpDuration = new Histogram({
  name: 'ops_http_request_duration_seconds',
  help: 'Time to the answer (to the first byte of an event stream), by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
})

/**
 * A metric's labelled series, looked up once per set of labels (a handful) rather than hashed again
 * on every request; `make` is called the first time a key is seen.
 */
function seriesCache<T>(make: (key: string) => T): (key: string) => T {
  const held = new Map<string, T>()
  return (key) => {
    let series = held.get(key)
    if (series === undefined) {
      series = make(key)
      held.set(key, series)
    }
    return series
  }
}

const requestSeries = seriesCache((key) => {
  const [method, route, status] = key.split('\n')
  return { count: httpRequests.labels({ method, route, status }), time: httpDuration.labels({ method, route }) }
})

/** One answer counted and timed. */
export function countRequest(method: string, route: string, status: number, seconds: number): void {
  const series = requestSeries(`${method}\n${route}\n${status}`)
  series.count.inc()
  series.time.observe(seconds)
}

export const upstreamDuration = new Histogram({
  name: 'ops_upstream_request_duration_seconds',
  help: 'Upstream calls, by upstream, method and outcome (ok, error, timeout, unreachable, open)',
  labelNames: ['upstream', 'method', 'outcome'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
})

const upstreamSeries = seriesCache((key) => {
  const [upstream, method, outcome] = key.split('\n')
  return upstreamDuration.labels({ upstream, method, outcome })
})

/** One upstream call timed. */
export function timeUpstream(upstream: string, method: string, outcome: string, seconds: number): void {
  upstreamSeries(`${upstream}\n${method}\n${outcome}`).observe(seconds)
}

export const upstreamRetries = new Counter({
  name: 'ops_upstream_retries_total',
  help: 'Reads retried after a failure, by upstream',
  labelNames: ['upstream'] as const,
  registers,
})

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 }

export const breakerState = new Gauge({
  name: 'ops_breaker_state',
  help: 'Circuit breaker per upstream: 0 closed, 1 half-open (probing), 2 open (failing fast)',
  labelNames: ['upstream'] as const,
  registers,
})

export const breakerOpened = new Counter({
  name: 'ops_breaker_opened_total',
  help: 'Times a breaker opened, by upstream',
  labelNames: ['upstream'] as const,
  registers,
})

export function noteBreaker(upstream: UpstreamName, state: BreakerState): void {
  breakerState.set({ upstream }, STATE_VALUE[state])
  if (state === 'open') breakerOpened.inc({ upstream })
}

export const sseConnections = new Gauge({
  name: 'ops_sse_connections',
  help: 'Live event streams, by audience (office, technician)',
  labelNames: ['audience'] as const,
  registers,
})

export const rateLimitRefusals = new Counter({
  name: 'ops_rate_limit_refusals_total',
  help: 'Requests refused with 429, by route pattern',
  labelNames: ['route'] as const,
  registers,
})

export const documentsWritten = new Counter({
  name: 'ops_documents_written_total',
  help: 'Documents written through this replica (published as live events), by doctype and action',
  labelNames: ['doctype', 'action'] as const,
  registers,
})

export const flowRuns = new Counter({
  name: 'ops_flow_runs_total',
  help: 'Parcours runs started (create) and advanced or finished (update)',
  labelNames: ['action'] as const,
  registers,
})

export const eventsPublished = new Counter({
  name: 'ops_events_published_total',
  help: 'Live events published by this replica, by type',
  labelNames: ['type'] as const,
  registers,
})

export const shutdownDrains = new Counter({
  name: 'ops_shutdown_streams_closed_total',
  help: 'Event streams closed with a retry hint during a graceful shutdown',
  registers,
})

/** Known doctypes keep their name as a label; anything else is "other", so labels stay bounded. */
const label = (v: unknown) => (typeof v === 'string' && /^[\w ]{1,40}$/.test(v) ? v : 'other')

/** Counts what is published: each event type, and the documents written with it. */
export function notePublished(type: string, data: unknown): void {
  eventsPublished.inc({ type: label(type) })
  if (type !== 'doc_update' || !data || typeof data !== 'object') return
  const { doctype, action } = data as { doctype?: unknown; action?: unknown }
  documentsWritten.inc({ doctype: label(doctype), action: label(action) })
  if (doctype === 'Agent Flow Run') flowRuns.inc({ action: label(action) })
}
