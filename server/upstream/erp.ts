/**
 * The ERPNext REST client. It adds the service token and nothing of the browser's: no cookies,
 * no identity headers. `send` passes an answer on as it came (the pass-through relays it); the
 * typed calls parse it once, here at the edge, and turn failures into errors with a meaning:
 * ErpRefused (ERPNext said no: 4xx with its exc_type) or UpstreamUnreachable (no answer, or 5xx).
 *
 * Every call has a timeout and goes through ERPNext's circuit breaker (breaker.ts): when ERPNext
 * stops answering, calls fail at once with UpstreamDown instead of piling up connections. Reads
 * (GET) are retried a bounded number of times with jitter; writes never are.
 */
import { parseJsonObject } from '../../src/contracts/json'
import { timeUpstream, upstreamRetries } from '../metrics'
import { CallTimeout, httpText } from './httpText'
import {
  backoffMs,
  createBreakers,
  sleep,
  UpstreamDown,
  UpstreamTimeout,
  UpstreamUnreachable,
  type Breaker,
  type Breakers,
} from './breaker'

export { UpstreamUnreachable, UpstreamDown }

export interface UpstreamAnswer {
  status: number
  body: string
  contentType: string
}

/** ERPNext refused a call: its status and Frappe's exc_type (e.g. TimestampMismatchError). */
export class ErpRefused extends Error {
  constructor(
    readonly status: number,
    readonly excType: string,
    message: string,
  ) {
    super(message)
  }
}

export interface ListParams {
  fields: string[]
  filters?: unknown[]
  orFilters?: unknown[]
  orderBy?: string
  /** Rows at most; 0 or absent means all of them. */
  limit?: number
  start?: number
}

/** `requestId`: the request being served, sent on as X-Request-Id so both sides' logs meet. */
export type ErpSend = (method: string, path: string, body?: string, requestId?: string) => Promise<UpstreamAnswer>

export interface ErpClient {
  /** Sends a request to ERPNext as the service user and returns the answer as it came. `path` starts with /api/. */
  send: ErpSend
  list<T>(doctype: string, params: ListParams): Promise<T[]>
  /** One document, or null when it does not exist. */
  get<T>(doctype: string, name: string): Promise<T | null>
  insert<T>(doctype: string, doc: Record<string, unknown>): Promise<T>
  /** Pass `modified` in `changes` to have a stale write refused (TimestampMismatchError). */
  update<T>(doctype: string, name: string, changes: Record<string, unknown>): Promise<T>
  remove(doctype: string, name: string): Promise<void>
  ping(): Promise<boolean>
}

const resourcePath = (doctype: string, name?: string) =>
  `/api/resource/${encodeURIComponent(doctype)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`

/** The `data` of a successful answer; a refusal or an outage as the error that says which. */
export function erpData<T>(answer: UpstreamAnswer, what: string): T {
  const body = parseJsonObject(answer.body)
  if (answer.status >= 200 && answer.status < 300 && body && 'data' in body) return body.data as T
  if (answer.status >= 400 && answer.status < 500) {
    const excType = typeof body?.exc_type === 'string' ? body.exc_type : `HTTP_${answer.status}`
    throw new ErpRefused(answer.status, excType, `ERPNext refused ${what} (${answer.status} ${excType})`)
  }
  throw new UpstreamUnreachable(`ERPNext answered ${answer.status} for ${what}`)
}

/** The typed calls over any `send`: the real HTTP one, or a test's stand-in. */
export function erpClientOver(send: ErpSend): ErpClient {
  return {
    send,
    async list<T>(doctype: string, p: ListParams) {
      const q = new URLSearchParams({
        fields: JSON.stringify(p.fields),
        filters: JSON.stringify(p.filters ?? []),
        limit_page_length: String(p.limit ?? 0),
      })
      if (p.orFilters) q.set('or_filters', JSON.stringify(p.orFilters))
      if (p.orderBy) q.set('order_by', p.orderBy)
      if (p.start) q.set('limit_start', String(p.start))
      return erpData<T[]>(await send('GET', `${resourcePath(doctype)}?${q}`), `the list of ${doctype}`)
    },
    async get<T>(doctype: string, name: string) {
      const answer = await send('GET', resourcePath(doctype, name))
      return answer.status === 404 ? null : erpData<T>(answer, `${doctype} ${name}`)
    },
    async insert<T>(doctype: string, doc: Record<string, unknown>) {
      return erpData<T>(await send('POST', resourcePath(doctype), JSON.stringify(doc)), `a new ${doctype}`)
    },
    async update<T>(doctype: string, name: string, changes: Record<string, unknown>) {
      return erpData<T>(await send('PUT', resourcePath(doctype, name), JSON.stringify(changes)), `${doctype} ${name}`)
    },
    async remove(doctype: string, name: string) {
      const answer = await send('DELETE', resourcePath(doctype, name))
      if (answer.status !== 202 && answer.status !== 200) erpData(answer, `${doctype} ${name}`)
    },
    async ping() {
      try {
        return (await send('GET', '/api/method/ping')).status === 200
      } catch {
        return false
      }
    },
  }
}

/** The same client, each of its calls sent with the id of the request being served. */
export const erpForRequest = (erp: ErpClient, requestId: string): ErpClient =>
  erpClientOver((method, path, body) => erp.send(method, path, body, requestId))

/** Answers that say the service itself is down (a proxy in front of it, or its workers). */
const DOWN_STATUSES = new Set([502, 503, 504])

export interface UpstreamOptions {
  /** Shared with readyz and the metrics; one set per process. */
  breakers?: Breakers
}

/**
 * One call through a breaker: admitted or refused at once, timed, counted, and for GET retried
 * with jittered backoff while the breaker stays closed. `attempt` throws UpstreamDown (timeout or
 * no connection); an answer in DOWN_STATUSES counts as a failure too, and is passed on when no
 * retry is left.
 */
export async function throughBreaker(
  breaker: Breaker,
  retry: { retries: number; baseMs: number; cooldownMs: number },
  method: string,
  attempt: () => Promise<UpstreamAnswer>,
  downStatuses: ReadonlySet<number> = DOWN_STATUSES,
): Promise<UpstreamAnswer> {
  const tries = method === 'GET' ? 1 + retry.retries : 1
  const upstream = breaker.name
  for (let i = 0; ; i++) {
    const started = performance.now()
    const observe = (outcome: string) => timeUpstream(upstream, method, outcome, (performance.now() - started) / 1000)
    try {
      breaker.admit()
    } catch (err) {
      observe('open')
      throw err
    }
    let answer: UpstreamAnswer
    try {
      answer = await attempt()
    } catch (err) {
      if (!(err instanceof UpstreamDown) || err.upstream !== upstream) {
        // Not this upstream's failure (a bug, or the whole hub behind a hub capability).
        breaker.release()
        throw err
      }
      breaker.failure()
      observe(err.reason)
      // A timeout is not retried: the call already spent its whole budget.
      if (i + 1 >= tries || err.reason === 'timeout' || breaker.current !== 'closed') {
        throw breaker.current === 'closed'
          ? err
          : new UpstreamDown(upstream, err.reason, breaker.retryAfterMs(), err.message)
      }
      upstreamRetries.inc({ upstream })
      await sleep(backoffMs(i, retry.baseMs))
      continue
    }
    if (!downStatuses.has(answer.status)) {
      breaker.success()
      observe(answer.status < 500 ? 'ok' : 'error')
      return answer
    }
    breaker.failure()
    observe('error')
    // The upstream did answer: its answer is passed on; the next calls fail fast if it opened.
    if (i + 1 >= tries || breaker.current !== 'closed') return answer
    upstreamRetries.inc({ upstream })
    await sleep(backoffMs(i, retry.baseMs))
  }
}

export function createErpClient(
  baseUrl: string,
  token: string,
  timeoutMs: number,
  options: UpstreamOptions = {},
): ErpClient {
  const breakers = options.breakers ?? createBreakers()
  const breaker = breakers.get('erpnext')
  const { retries, retryBaseMs: baseMs, cooldownMs } = breakers.options
  const retry = { retries, baseMs, cooldownMs }
  const authorization = `token ${token}`
  // Parsed once: each call sends its path under the base's own (ERPNext may sit under a prefix).
  const base = new URL(baseUrl)
  const origin = base.origin
  const prefix = base.pathname.replace(/\/+$/, '')
  const call =
    (method: string, path: string, body?: string, requestId?: string) => async (): Promise<UpstreamAnswer> => {
      const headers: Record<string, string> = { authorization, accept: 'application/json' }
      if (body !== undefined) headers['content-type'] = 'application/json'
      if (requestId) headers['x-request-id'] = requestId
      try {
        const answer = await httpText(origin, prefix + path, { method, headers, body, timeoutMs })
        return { ...answer, contentType: answer.contentType ?? 'application/json' }
      } catch (err) {
        if (err instanceof CallTimeout)
          throw new UpstreamTimeout(
            'erpnext',
            breakers.options.cooldownMs,
            `ERPNext did not answer ${method} in ${timeoutMs} ms`,
          )
        throw new UpstreamDown(
          'erpnext',
          'unreachable',
          breakers.options.cooldownMs,
          err instanceof Error ? err.message : String(err),
        )
      }
    }
  breaker.setProbe(async () => (await call('GET', '/api/method/ping')()).status === 200)
  return erpClientOver((method, path, body, requestId) =>
    throughBreaker(breaker, retry, method, call(method, path, body, requestId)),
  )
}
