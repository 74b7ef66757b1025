/**
 * The BFF: one h3 app built from its configuration and its upstream clients, so tests drive it
 * with app.fetch(new Request(...)) and production serves it on a port. Every route comes from one
 * list (routes/index.ts); every refusal is a thrown Refusal written by one onError.
 */
import { FastResponse } from 'srvx'
import { randomUUID } from 'node:crypto'
import { H3, getRequestIP, type H3Event } from 'h3'
import { createAuditJournal, type AuditJournal } from './audit'
import type { Config } from './config'
import { bffError, BodyTooLargeError, frappeError, FrappeRefusal, Refusal, SENTENCES, type Sentence } from './errors'
import { FilterSyntaxError } from './erpFilters'
import { createMemoryBus, type EventBus } from './events/bus'
import { holderOf } from './events/docEvents'
import { createDocLookup, type DocLookup } from './events/techEvents'
import { createMemoryLimiter, type RateLimiter } from './rateLimit'
import { ROUTES } from './routes/index'
import type { PositionOptions } from './routes/positions'
import { isWrite, writeRefusal } from './sameOrigin'
import { createUserMemo, resolveUser, type RequestUser } from './session'
import { inlineScriptSources } from './static'
import { createTechScopes, type TechScopes } from './techScope'
import { erpForRequest, ErpRefused, UpstreamUnreachable, type ErpClient } from './upstream/erp'
import { hubForRequest, type HubClient } from './upstream/hub'
import { errorField, log, logAnswer, requestLog } from './log'
import type { Logger } from 'pino'
import { lifecycle } from './events/streams'
import { countRequest, notePublished, rateLimitRefusals } from './metrics'
import { createBreakers, downFields, UpstreamDown, type Breakers } from './upstream/breaker'

export interface AppDeps {
  erp: ErpClient
  hub: HubClient
  bus?: EventBus
  audit?: AuditJournal
  scopes?: TechScopes
  /** Counts the limited hub actions; in memory by default (Redis across replicas, see main.ts). */
  limiter?: RateLimiter
  /** The TCP peer of a request; by default what the server adapter reports. */
  peerAddress?: (event: H3Event) => string | undefined
  /** The positions poll's clock and cache, for tests. */
  positions?: Partial<PositionOptions>
  /** The upstream clients' circuit breakers, reported by /ops/readyz. */
  breakers?: Breakers
}

export interface AppContext {
  config: Config
  /**
   * The upstream clients. In the app's own context (caches, sweeps) they send no request id; in
   * a request's (`forRequest`), every call carries that request's id as X-Request-Id.
   */
  erp: ErpClient
  hub: HubClient
  /** This context for serving one request: the same, with upstream clients that carry its id. */
  forRequest(event: H3Event): AppContext
  /** The logger for this request: its lines carry the request's id and staff member. */
  logFor(event: H3Event): Logger
  bus: EventBus
  audit: AuditJournal
  scopes: TechScopes
  limiter: RateLimiter
  /** Fields of documents that live events refer to, looked up once for every stream. */
  docs: DocLookup
  options: { positions?: Partial<PositionOptions> }
  breakers: Breakers
  /** The TCP peer of a request (not what a proxy says it is). */
  peer(event: H3Event): string | undefined
  /** The signed-in staff member, or null (routes use guard.ts, which answers 401). */
  user(event: H3Event): RequestUser | null
  requestId(event: H3Event): string
  /**
   * An answer with the app's own headers (security headers, the request id) already in: the
   * busiest routes build theirs this way, so the answer goes out without a Headers object.
   */
  respond(event: H3Event, body: string, status: number, headers: Record<string, string>): Response
}

/** A route module: registers its routes on the app, with the shared context. */
export type FeatureRoutes = (app: H3, ctx: AppContext) => void

const SECURITY_HEADERS = (config: Config): Record<string, string> => {
  let tiles: string
  try {
    tiles = config.tileUrl ? ` ${new URL(config.tileUrl.replace(/\{[a-z]\}/g, 'a')).origin}` : ''
  } catch {
    tiles = ''
  }
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'content-security-policy': [
      "default-src 'self'",
      ["script-src 'self' 'wasm-unsafe-eval'", ...inlineScriptSources(config.spaDir)].join(' '),
      "style-src 'self' 'unsafe-inline'",
      `img-src 'self' data: blob:${tiles}`,
      "font-src 'self' data:",
      "connect-src 'self'",
      "worker-src 'self' blob:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
      "form-action 'self'",
    ].join('; '),
  }
}

/**
 * What an answer from the API says to a browser that opens it as a page: nothing may load, nothing
 * may frame it. The JSON, event streams and files under /ops/api/ are never documents, so the
 * SPA's policy (its script hashes, its tile server) has no business there.
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/** The answers that are data, never a page or a worker's script. */
const isApiPath = (pathname: string) => pathname.startsWith('/ops/api/')

/**
 * One header's value from Node's raw list (names as sent, values alternating), without building
 * the request's whole header object; null when absent or sent more than once.
 */
function rawHeader(raw: readonly string[], lowerName: string): string | null {
  let found: string | null = null
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue
    if (found !== null) return null
    found = raw[i + 1]
  }
  return found
}

/** What the app keeps about one request, on its event (read by the request's own steps only). */
interface RequestState {
  startedAt: number
  requestId?: string
  user?: RequestUser | null
}
const stateOf = (event: H3Event): RequestState => {
  const context = event.context as { ops?: RequestState }
  return (context.ops ??= { startedAt: performance.now() })
}

export function createApp(config: Config, deps: AppDeps): H3 {
  const bus = countedBus(deps.bus ?? createMemoryBus())
  const audit = deps.audit ?? createAuditJournal(null)
  const scopes = deps.scopes ?? createTechScopes(deps.erp)
  // A job written here or through another replica changes the reach of the technician who had
  // it and of the one who has it now (the event says whom): kept here, each is looked up again at
  // once instead of lasting its few seconds. (The hub's job.updated only changes a job's status.)
  bus.subscribe((event) => {
    const data = (event.data ?? {}) as { doctype?: unknown; name?: unknown }
    if (event.type === 'doc_update' && data.doctype === 'Dispatch Job' && typeof data.name === 'string')
      scopes.forgetJob(data.name, holderOf(data) ?? null)
  })
  const peerOf = deps.peerAddress ?? ((event: H3Event) => getRequestIP(event))
  const headers = SECURITY_HEADERS(config)
  const apiHeaders = { ...headers, 'content-security-policy': API_CSP }
  /** Answers built by `respond`, which carry the app's headers already. */
  const complete = new WeakSet<Response>()
  /** Trusted peers' verdicts and staff members, remembered across requests (see session.ts). */
  const memo = createUserMemo()

  /** The staff member's e-mail for a log line; none when the identity headers are refused. */
  const staffOf = (event: H3Event): string | undefined => {
    try {
      return ctx.user(event)?.email
    } catch {
      return undefined
    }
  }

  const ctx: AppContext = {
    config,
    erp: deps.erp,
    hub: deps.hub,
    forRequest(event) {
      const id = ctx.requestId(event)
      return { ...ctx, erp: erpForRequest(deps.erp, id), hub: hubForRequest(deps.hub, id) }
    },
    logFor: (event) => requestLog(ctx.requestId(event), staffOf(event)),
    bus,
    audit,
    scopes,
    limiter: deps.limiter ?? createMemoryLimiter(),
    docs: createDocLookup(deps.erp),
    options: { positions: deps.positions },
    breakers: deps.breakers ?? createBreakers(),
    peer: peerOf,
    // Asked for by the request's context, its route and its log line: resolved once per request.
    user(event) {
      const state = stateOf(event)
      if (state.user === undefined)
        state.user = resolveUser(event.req, peerOf(event), config, event.runtime?.node?.req.rawHeaders, memo)
      return state.user
    },
    requestId(event) {
      const state = stateOf(event)
      if (!state.requestId) {
        const raw = event.runtime?.node?.req.rawHeaders
        const given = raw ? rawHeader(raw, 'x-request-id') : event.req.headers.get('x-request-id')
        state.requestId = given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID()
      }
      return state.requestId
    },
    respond(event, body, status, own) {
      const all: Record<string, string> = Object.assign({}, isApiPath(event.url.pathname) ? apiHeaders : headers, own)
      all['x-request-id'] = ctx.requestId(event)
      if (lifecycle.draining) all.connection = 'close'
      const res = new FastResponse(body, { status, headers: all })
      complete.add(res)
      return res
    },
  }

  const app = new H3({
    // Errors are logged once, by onError, as JSON lines; h3's own printing would repeat every
    // upstream failure as a stack trace (and, with a breaker open, flood the disk).
    silent: true,
    onError(error, event) {
      const req = event.req
      // The ERPNext pass-through answers in Frappe's shape, so Frappe clients read exc_type.
      const frappe = event.url.pathname.startsWith('/ops/api/erp/')
      const answer = (status: number, code: string, excType: string, sentence: Sentence) =>
        frappe ? frappeError(req, status, excType, sentence) : bffError(req, status, code, sentence)
      const down = error instanceof UpstreamDown ? error : error.cause instanceof UpstreamDown ? error.cause : null
      if (down) {
        // An upstream is down: 503, with which one and when it will be tried again, for the screens.
        const { sentence, fields, headers: retry } = downFields(down)
        const res = answer(503, 'UPSTREAM_DOWN', 'UpstreamError', sentence)
        return withFields(res, fields, retry)
      }
      if (error instanceof FrappeRefusal) return frappeError(req, error.status, error.excType, error.sentence)
      if (error instanceof Refusal) {
        const res = bffError(req, error.status, error.code, error.sentence)
        error.headers?.forEach((v, k) => res.headers.set(k, v))
        return res
      }
      const cause = error.cause
      if (cause instanceof BodyTooLargeError) return answer(413, 'TOO_LARGE', 'ValidationError', SENTENCES.tooLarge)
      if (cause instanceof FilterSyntaxError)
        return answer(417, 'INVALID_FILTERS', 'ValidationError', {
          fr: 'Les filtres ne sont pas lisibles.',
          en: cause.message,
        })
      if (cause instanceof UpstreamUnreachable)
        return answer(502, 'ERP_UNREACHABLE', 'UpstreamError', SENTENCES.erpDown)
      if (cause instanceof ErpRefused) {
        return answer(cause.status, cause.excType, cause.excType, {
          fr: `ERPNext a refusé l’opération (${cause.excType}). Rechargez puis réessayez.`,
          en: `ERPNext refused the operation (${cause.excType}). Reload, then try again.`,
        })
      }
      if (error.status === 404) return answer(404, 'NOT_FOUND', 'DoesNotExistError', SENTENCES.notFound)
      if (error.status === 405) return answer(405, 'METHOD_NOT_ALLOWED', 'ValidationError', SENTENCES.methodNotAllowed)
      const reason = (cause ?? error) as Error
      log.error(
        { req_id: ctx.requestId(event), method: req.method, path: event.url.pathname, err: errorField(reason) },
        'unexpected error',
      )
      return answer(500, 'INTERNAL', 'InternalError', {
        fr: `Une erreur inattendue est survenue (référence ${ctx.requestId(event)}). Réessayez ; si cela persiste, signalez cette référence.`,
        en: `An unexpected error occurred (reference ${ctx.requestId(event)}). Try again; if it persists, report this reference.`,
      })
    },
    onResponse(response, event) {
      const requestId = ctx.requestId(event)
      if (!complete.has(response)) {
        for (const [k, v] of Object.entries(isApiPath(event.url.pathname) ? apiHeaders : headers))
          if (!response.headers.has(k)) response.headers.set(k, v)
        response.headers.set('x-request-id', requestId)
        if (lifecycle.draining) response.headers.set('connection', 'close')
      }
      observe(event, response.status, requestId)
    },
  })

  /** One log line and the request metrics, per answer; the route as its pattern, never the raw URL. */
  function observe(event: H3Event, status: number, requestId: string) {
    const seconds = (performance.now() - stateOf(event).startedAt) / 1000
    const route = (event.context.matchedRoute as { route?: string } | undefined)?.route ?? 'unmatched'
    const method = event.req.method
    countRequest(method, route, status, seconds)
    if (status === 429) rateLimitRefusals.inc({ route })
    const line = {
      req_id: requestId,
      staff: staffOf(event),
      method,
      route,
      path: event.url.pathname,
      status,
      ms: Math.round(seconds * 10_000) / 10,
    }
    logAnswer(status >= 500 ? 'warn' : PROBES.has(route) && status < 400 ? 'debug' : 'info', line)
  }

  // First of all: when the request arrived (for its log line and latency histogram); then, before
  // any route, a write that is not from our own pages is refused before it is read, forwarded or
  // journaled.
  app.use((event) => {
    stateOf(event)
    if (!isWrite(event.req.method)) return
    const refusal = writeRefusal(event.req, config.publicOrigin ?? event.url.origin)
    if (refusal) throw new Refusal(refusal.status, refusal.code, refusal.sentence)
  })

  for (const register of ROUTES) register(app, ctx)

  return app
}

/** The same JSON answer with more fields in its body and more headers. */
async function withFields(
  res: Response,
  fields: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<Response> {
  const body = { ...((await res.json()) as Record<string, unknown>), ...fields }
  const out = new Headers(res.headers)
  for (const [k, v] of Object.entries(headers)) out.set(k, v)
  return new FastResponse(JSON.stringify(body), { status: res.status, headers: out })
}

/** Polled by orchestrators and scrapers: their successes are logged at debug level only. */
const PROBES = new Set(['/ops/healthz', '/ops/readyz', '/ops/metrics'])

/** The bus, with what is published counted for the metrics. */
function countedBus(bus: EventBus): EventBus {
  return {
    ...bus,
    publish(type, data) {
      notePublished(type, data)
      bus.publish(type, data)
    },
  }
}
