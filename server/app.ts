/**
 * The BFF: one h3 app built from its configuration and its upstream clients, so tests drive it
 * with app.fetch(new Request(...)) and production serves it on a port.
 */
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import { H3, getRequestIP, type H3Event } from 'h3'
import type { Me } from '../src/contracts/capabilities'
import { PERSONAS } from '../src/contracts/personas'
import { createAuditJournal, type AuditJournal } from './audit'
import type { Config } from './config'
import { bffError, json, SENTENCES } from './errors'
import { createMemoryBus, type EventBus } from './events/bus'
import { createDocLookup, technicianEvents } from './events/techEvents'
import { createErpHandler, type WriteRecord } from './routes/erp'
import { eventStream } from './routes/events'
import { createHubHandler, type HubCall } from './routes/hub'
import { createMemoryLimiter, type RateLimiter } from './rateLimit'
import { DEMO_PERSONA_COOKIE, resolveUser, type RequestUser } from './session'
import { writeRefusal } from './sameOrigin'
import { createStaticHandler } from './static'
import { createTechScopes, type TechScopes } from './techScope'
import type { ErpClient } from './upstream/erp'
import type { HubClient } from './upstream/hub'

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
  /** Extra routes (feature modules) registered on the same app, with the same helpers. */
  features?: readonly FeatureRoutes[]
}

export interface AppContext {
  config: Config
  erp: ErpClient
  hub: HubClient
  bus: EventBus
  audit: AuditJournal
  scopes: TechScopes
  /** The signed-in staff member, or null (the caller answers 401). */
  user(event: H3Event): RequestUser | null
  requestId(event: H3Event): string
}

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
      "script-src 'self' 'wasm-unsafe-eval'",
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

/** Header names as they arrived on the socket (every other entry of Node's rawHeaders). */
function rawHeaderNames(event: H3Event): string[] | undefined {
  const raw = event.runtime?.node?.req.rawHeaders
  return raw ? raw.filter((_, i) => i % 2 === 0) : undefined
}

export function createApp(config: Config, deps: AppDeps): H3 {
  const bus = deps.bus ?? createMemoryBus()
  const audit = deps.audit ?? createAuditJournal(null)
  const scopes = deps.scopes ?? createTechScopes(deps.erp)
  const peerOf = deps.peerAddress ?? ((event: H3Event) => getRequestIP(event))
  const requestIds = new WeakMap<Request, string>()
  const headers = SECURITY_HEADERS(config)

  const ctx: AppContext = {
    config,
    erp: deps.erp,
    hub: deps.hub,
    bus,
    audit,
    scopes,
    user: (event) => resolveUser(event.req, peerOf(event), config, rawHeaderNames(event)),
    requestId(event) {
      let id = requestIds.get(event.req)
      if (!id) {
        const given = event.req.headers.get('x-request-id')
        id = given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID()
        requestIds.set(event.req, id)
      }
      return id
    },
  }

  const app = new H3({
    onError(error, event) {
      if (error.status === 404) return bffError(event.req, 404, 'NOT_FOUND', SENTENCES.notFound)
      if (error.status === 405) return bffError(event.req, 405, 'METHOD_NOT_ALLOWED', { fr: 'Méthode non permise ici.', en: 'Method not allowed here.' })
      const cause = (error.cause ?? error) as Error
      console.error(`[${ctx.requestId(event)}] ${event.req.method} ${event.url.pathname}:`, cause?.stack ?? cause)
      return bffError(event.req, 500, 'INTERNAL', {
        fr: `Une erreur inattendue est survenue (référence ${ctx.requestId(event)}). Réessayez ; si cela persiste, signalez cette référence.`,
        en: `An unexpected error occurred (reference ${ctx.requestId(event)}). Try again; if it persists, report this reference.`,
      })
    },
    onResponse(response, event) {
      for (const [k, v] of Object.entries(headers)) if (!response.headers.has(k)) response.headers.set(k, v)
      response.headers.set('x-request-id', ctx.requestId(event))
    },
  })

  // Before any route: a write that is not from our own pages is refused before it is read,
  // forwarded or journaled.
  app.use((event) => {
    const refusal = writeRefusal(event.req, config.publicOrigin ?? event.url.origin)
    if (refusal) return bffError(event.req, refusal.status, refusal.code, refusal.sentence)
  })

  const onErpWrite = (w: WriteRecord) => {
    audit.record({
      requestId: w.requestId,
      actor: w.user.email,
      action: `erp.${w.action}`,
      target: `${w.doctype}${w.name ? `/${w.name}` : ''}`,
      outcome: w.outcome,
      status: w.status,
    })
    if (w.outcome === 'ok' && w.name) bus.publish('doc_update', { doctype: w.doctype, name: w.name, modified: w.modified, action: w.action })
  }
  const onHubWrite = (call: HubCall) => {
    audit.record({
      requestId: call.requestId,
      actor: call.user.email,
      action: call.action,
      target: call.target,
      outcome: call.status < 300 ? 'ok' : call.status < 500 ? 'refused' : 'failed',
      status: call.status,
    })
  }
  const handleErp = createErpHandler({ erp: deps.erp, scopes, onWrite: onErpWrite })
  const handleHub = createHubHandler(deps.hub, config.bodyLimitBytes, onHubWrite, { limiter: deps.limiter ?? createMemoryLimiter(), limits: config.rateLimits })
  const serveSpa = createStaticHandler(resolve(config.spaDir))

  const authed = (fn: (event: H3Event, user: RequestUser) => Response | Promise<Response>) => (event: H3Event) => {
    const user = ctx.user(event)
    if (!user) return bffError(event.req, 401, 'UNAUTHENTICATED', SENTENCES.unauthenticated)
    return fn(event, user)
  }

  app.get('/', () => new Response(null, { status: 302, headers: { location: '/ops/' } }))
  app.get('/ops/healthz', () => json(200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) }))
  app.get('/ops/readyz', async () => {
    const timed = async (check: () => Promise<boolean>) => {
      const started = performance.now()
      const ok = await check().catch(() => false)
      return { ok, ms: Math.round(performance.now() - started) }
    }
    const [erpnext, hub] = await Promise.all([
      timed(() => deps.erp.ping()),
      timed(async () => {
        const answer = await deps.hub.send('GET', '/auth/users', { timeoutMs: 3_000 })
        return answer.status !== 401 && answer.status < 500
      }),
    ])
    const ready = erpnext.ok && hub.ok
    return json(ready ? 200 : 503, { status: ready ? 'ready' : 'degraded', upstreams: { erpnext, hub } })
  })

  app.get('/ops/api/config', () => json(200, { demo: config.demo, tileUrl: config.tileUrl }))

  app.get('/ops/api/me', authed(async (_event, user) => {
    const technician = await scopes.technicianFor(user.email).catch(() => null)
    const me: Me = { email: user.email, name: user.name, username: user.username, groups: user.groups, capabilities: user.capabilities, technician, demo: config.demo }
    return json(200, me)
  }))

  if (config.demo) {
    app.get('/ops/api/demo/personas', () => json(200, PERSONAS))
    app.post('/ops/api/demo/persona', async (event) => {
      let id: unknown
      try {
        id = ((await event.req.json()) as { id?: unknown }).id
      } catch {
        id = null
      }
      if (!PERSONAS.some((p) => p.id === id)) {
        return bffError(event.req, 400, 'UNKNOWN_PERSONA', { fr: 'Ce profil de démonstration n’existe pas.', en: 'There is no such demo persona.' })
      }
      return json(200, { id }, { 'set-cookie': `${DEMO_PERSONA_COOKIE}=${id}; Path=/ops; SameSite=Strict; HttpOnly` })
    })
    app.delete('/ops/api/demo/persona', () =>
      json(200, { id: null }, { 'set-cookie': `${DEMO_PERSONA_COOKIE}=; Path=/ops; SameSite=Strict; HttpOnly; Max-Age=0` }))
  }

  app.all('/ops/api/erp/**', authed((event, user) => handleErp(event.req, user, ctx.requestId(event))))
  app.all('/ops/api/hub/**', authed((event, user) => handleHub(event.req, user, ctx.requestId(event))))
  const docLookup = createDocLookup(deps.erp)
  app.get('/ops/api/events', authed((event, user) => {
    // A technician's stream carries only what concerns their own jobs; office staff see the rest,
    // SMS only with clients:view.
    const office = user.capabilities.some((c) => c !== 'tech:self')
    if (!office) return eventStream(event.req, bus, technicianEvents(() => scopes.of(user), docLookup))
    const seesSms = user.capabilities.includes('clients:view')
    return eventStream(event.req, bus, (e) => seesSms || !e.type.startsWith('sms.'))
  }))

  for (const feature of deps.features ?? []) feature(app, ctx)

  app.all('/ops/api/**', (event) => bffError(event.req, 404, 'NOT_FOUND', SENTENCES.notFound))
  app.get('/ops/**', async (event) => {
    if (event.url.pathname === '/ops') return new Response(null, { status: 301, headers: { location: '/ops/' } })
    const sub = event.url.pathname.slice('/ops/'.length)
    return (await serveSpa(event.req, sub)) ?? bffError(event.req, 404, 'NOT_FOUND', SENTENCES.notFound)
  })

  app.all('/**', (event) => bffError(event.req, 404, 'NOT_FOUND', SENTENCES.notFound))

  return app
}
