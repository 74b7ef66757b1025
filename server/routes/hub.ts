/**
 * /ops/api/hub/<path>: the hub's API (HUB.md) behind the capability policy. Only the routes
 * listed here pass; each has its own timeout (vision answers within 8 s or the scan is queued).
 */
import { FastResponse } from 'srvx'
import { createHash } from 'node:crypto'
import type { Capability } from '../../src/contracts/capabilities'
import type { H3 } from 'h3'
import type { AppContext } from '../app'
import { forbidden, readBodyLimited, Refusal, SENTENCES } from '../errors'
import { requireUser } from '../guard'
import { parseJsonObject } from '../../src/contracts/json'
import { UpstreamDown, UpstreamUnreachable } from '../upstream/erp'
import { UpstreamTimeout, type HubClient } from '../upstream/hub'
import type { RequestUser } from '../session'
import type { RateLimiter, RateLimitName, RateLimits } from '../rateLimit'

interface HubRoute {
  method: string
  pattern: RegExp
  capabilities: readonly Capability[]
  timeoutMs: number
  /** Name of the action in the journal, for writes. */
  audit?: string
  /** What the journal names as the target: never a secret (no body, no password). */
  target?: (request: Record<string, unknown>, answer: Record<string, unknown>, req: Request) => string
  /** The per-minute limit this action counts against, per staff member. */
  limit?: RateLimitName
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')

export const HUB_ROUTES: readonly HubRoute[] = [
  { method: 'GET', pattern: /^\/devices\/lookup$/, capabilities: ['devices:diagnose'], timeoutMs: 15_000 },
  {
    method: 'POST',
    pattern: /^\/devices\/[^/]+\/refresh$/,
    capabilities: ['devices:diagnose'],
    timeoutMs: 30_000,
    limit: 'diagnose',
  },
  {
    method: 'POST',
    pattern: /^\/vision\/(barcodes|equipment)$/,
    capabilities: ['tech:self'],
    timeoutMs: 8_000,
    audit: 'hub.vision',
    target: (_r, _a, req) => `scan ${req.headers.get('idempotency-key') ?? '(no key)'}`,
  },
  { method: 'GET', pattern: /^\/auth\/users$/, capabilities: ['users:manage'], timeoutMs: 10_000 },
  {
    method: 'POST',
    pattern: /^\/auth\/users$/,
    capabilities: ['users:manage'],
    timeoutMs: 20_000,
    audit: 'hub.invite',
    limit: 'invite',
    target: (r) => `User ${str(r.email)}`,
  },
  {
    method: 'POST',
    pattern: /^\/sms\/send$/,
    capabilities: ['sms:send'],
    timeoutMs: 10_000,
    audit: 'hub.sms',
    limit: 'sms',
    target: (r, a) => `Customer ${str(r.customer)} (${str(a.sid) || 'not sent'})`,
  },
]

export interface HubCall {
  user: RequestUser
  requestId: string
  action: string
  target: string
  status: number
  /** The JSON answer, so a caller can record or publish from it. */
  answer: unknown
}

const asObject = (text: string): Record<string, unknown> => parseJsonObject(text) ?? {}

const LIMITED: Record<RateLimitName, { fr: string; en: string }> = {
  diagnose: { fr: 'interrogations de modem', en: 'modem polls' },
  sms: { fr: 'SMS envoyés', en: 'text messages sent' },
  invite: { fr: 'invitations', en: 'invitations' },
}

/** 429, with how long to wait, in the user's language. */
function rateLimited(name: RateLimitName, max: number, retryAfterMs: number): Refusal {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return new Refusal(
    429,
    'RATE_LIMITED',
    {
      fr: `Trop de demandes : au plus ${max} ${LIMITED[name].fr} par minute. Réessayez dans ${seconds} s.`,
      en: `Too many requests: at most ${max} ${LIMITED[name].en} per minute. Try again in ${seconds} s.`,
    },
    { 'retry-after': String(seconds) },
  )
}

export interface HubLimits {
  limiter: RateLimiter
  limits: RateLimits
}

/**
 * The hub replays a cached answer for a known Idempotency-Key; keyed per staff member, one
 * person's key can never fetch another's answer.
 */
export function scopedIdempotencyKey(email: string, key: string | null): string | undefined {
  if (!key) return undefined
  return createHash('sha256').update(`${email}\n${key}`).digest('base64url')
}

/** What the browser may see of a hub error: its code and sentences, never a stack. */
function cleanHubError(text: string): string {
  const error = asObject(text).error as Record<string, unknown> | undefined
  const code = typeof error?.code === 'string' ? error.code.slice(0, 80) : 'HUB_ERROR'
  const message = typeof error?.message === 'string' ? error.message.slice(0, 1000) : ''
  const messages = error?.messages as Record<string, unknown> | undefined
  const out: Record<string, unknown> = { code, message }
  if (messages && typeof messages.fr === 'string' && typeof messages.en === 'string')
    out.messages = { fr: messages.fr, en: messages.en }
  return JSON.stringify({ error: out })
}

export function createHubHandler(
  hub: HubClient,
  bodyLimit: number,
  onWrite: (call: HubCall) => void,
  limits?: HubLimits,
) {
  return async function handleHub(req: Request, user: RequestUser, requestId: string): Promise<Response> {
    const url = new URL(req.url)
    const path = url.pathname.replace(/^\/ops\/api\/hub/, '')
    const route = HUB_ROUTES.find((r) => r.method === req.method && r.pattern.test(path))
    if (!route) {
      const known = HUB_ROUTES.some((r) => r.pattern.test(path))
      throw known
        ? new Refusal(405, 'METHOD_NOT_ALLOWED', SENTENCES.methodNotAllowed)
        : new Refusal(404, 'NOT_FOUND', SENTENCES.notFound)
    }
    if (!route.capabilities.some((c) => user.capabilities.includes(c))) throw forbidden()
    if (route.limit && limits && limits.limits[route.limit] > 0) {
      const max = limits.limits[route.limit]
      const decision = await limits.limiter.hit(`${route.limit}:${user.email}`, max)
      if (!decision.allowed) throw rateLimited(route.limit, max, decision.retryAfterMs)
    }
    try {
      const body = req.method === 'GET' ? undefined : await readBodyLimited(req, bodyLimit)
      const answer = await hub.send(req.method, path + url.search, {
        body,
        contentType: req.headers.get('content-type') ?? undefined,
        idempotencyKey: scopedIdempotencyKey(user.email, req.headers.get('idempotency-key')),
        timeoutMs: route.timeoutMs,
        requestId,
      })
      if (route.audit) {
        const requestJson =
          route.target && body && (req.headers.get('content-type') ?? '').includes('json')
            ? asObject(new TextDecoder().decode(body))
            : {}
        const answerJson = asObject(answer.body)
        const target = route.target ? route.target(requestJson, answerJson, req) : path
        onWrite({ user, requestId, action: route.audit, target, status: answer.status, answer: answerJson })
      }
      if (answer.status >= 400) {
        return new FastResponse(cleanHubError(answer.body), {
          status: answer.status,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        })
      }
      return new FastResponse(answer.body, {
        status: answer.status,
        headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' },
      })
    } catch (err) {
      // No answer (breaker open, timeout, no connection): 503 naming the hub service, see app.ts.
      if (err instanceof UpstreamDown) throw err
      if (err instanceof UpstreamTimeout) throw new Refusal(504, 'HUB_TIMEOUT', SENTENCES.hubTimeout)
      if (err instanceof UpstreamUnreachable) throw new Refusal(502, 'HUB_UNREACHABLE', SENTENCES.hubDown)
      throw err
    }
  }
}

/** /ops/api/hub/**: each write journaled (never its body: no passwords, no message text). */
export function hubRoutes(app: H3, ctx: AppContext): void {
  const handle = createHubHandler(
    ctx.hub,
    ctx.config.bodyLimitBytes,
    (call) => {
      ctx.audit.record({
        requestId: call.requestId,
        actor: call.user.email,
        action: call.action,
        target: call.target,
        outcome: call.status < 300 ? 'ok' : call.status < 500 ? 'refused' : 'failed',
        status: call.status,
      })
    },
    { limiter: ctx.limiter, limits: ctx.config.rateLimits },
  )
  app.all('/ops/api/hub/**', (event) => handle(event.req, requireUser(ctx, event), ctx.requestId(event)))
}
