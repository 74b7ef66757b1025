/**
 * The BFF's own small routes: health and readiness for the orchestrator, the SPA's configuration,
 * who the user is (/me), the demo persona picker, and, last, the SPA itself and the 404s.
 */
import { FastResponse } from 'srvx'
import { timingSafeEqual } from 'node:crypto'
import { resolve } from 'node:path'
import type { H3 } from 'h3'
import type { Me } from '../../src/contracts/capabilities'
import { PERSONAS } from '../../src/contracts/personas'
import type { AppContext } from '../app'
import { json, Refusal, SENTENCES } from '../errors'
import { requireUser } from '../guard'
import { DEMO_PERSONA_COOKIE } from '../session'
import { createStaticHandler } from '../static'
import { registry } from '../metrics'

const isLoopback = (peer: string | undefined) =>
  !!peer && (/^127\./.test(peer) || peer === '::1' || /^::ffff:127\./i.test(peer))

/** Loopback peers, or the bearer METRICS_TOKEN (compared in constant time). */
export function metricsAllowed(peer: string | undefined, authorization: string | null, token: string | null): boolean {
  if (isLoopback(peer)) return true
  if (!token || !authorization) return false
  const given = Buffer.from(authorization)
  const wanted = Buffer.from(`Bearer ${token}`)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}

export function coreRoutes(app: H3, ctx: AppContext): void {
  const { config } = ctx
  app.get('/', () => new FastResponse(null, { status: 302, headers: { location: '/ops/' } }))
  app.get('/ops/healthz', () => json(200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) }))
  app.get('/ops/readyz', async () => {
    const timed = async (check: () => Promise<boolean>) => {
      const started = performance.now()
      const ok = await check().catch(() => false)
      return { ok, ms: Math.round(performance.now() - started) }
    }
    const [erpnext, hub] = await Promise.all([
      timed(() => ctx.erp.ping()),
      timed(async () => {
        const answer = await ctx.hub.send('GET', '/auth/users', { timeoutMs: 3_000 })
        return answer.status !== 401 && answer.status < 500
      }),
    ])
    const ready = erpnext.ok && hub.ok
    return json(ready ? 200 : 503, {
      status: ready ? 'ready' : 'degraded',
      upstreams: { erpnext, hub },
      breakers: ctx.breakers.snapshot(),
    })
  })

  // Prometheus: for the scraper on the same host or one holding METRICS_TOKEN; for anyone else
  // the address does not exist.
  app.get('/ops/metrics', async (event) => {
    if (!metricsAllowed(ctx.peer(event), event.req.headers.get('authorization'), config.metricsToken))
      throw new Refusal(404, 'NOT_FOUND', SENTENCES.notFound)
    return new FastResponse(await registry.metrics(), {
      headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
    })
  })

  app.get('/ops/api/config', () => json(200, { demo: config.demo, tileUrl: config.tileUrl }))

  app.get('/ops/api/me', async (event) => {
    const user = requireUser(ctx, event)
    const technician = await ctx.scopes.technicianFor(user.email).catch(() => null)
    const me: Me = {
      email: user.email,
      name: user.name,
      username: user.username,
      groups: user.groups,
      capabilities: user.capabilities,
      technician,
      demo: config.demo,
    }
    return json(200, me)
  })

  if (!config.demo) return
  app.get('/ops/api/demo/personas', () => json(200, PERSONAS))
  app.post('/ops/api/demo/persona', async (event) => {
    const id = ((await event.req.json().catch(() => null)) as { id?: unknown } | null)?.id
    if (!PERSONAS.some((p) => p.id === id)) {
      throw new Refusal(400, 'UNKNOWN_PERSONA', {
        fr: 'Ce profil de démonstration n’existe pas.',
        en: 'There is no such demo persona.',
      })
    }
    return json(
      200,
      { id },
      { 'set-cookie': `${DEMO_PERSONA_COOKIE}=${String(id)}; Path=/ops; SameSite=Strict; HttpOnly` },
    )
  })
  app.delete('/ops/api/demo/persona', () =>
    json(
      200,
      { id: null },
      { 'set-cookie': `${DEMO_PERSONA_COOKIE}=; Path=/ops; SameSite=Strict; HttpOnly; Max-Age=0` },
    ),
  )
}

/** Registered last: an unknown API path is a 404 sentence; anything else under /ops/ is the SPA. */
export function spaRoutes(app: H3, ctx: AppContext): void {
  const serveSpa = createStaticHandler(resolve(ctx.config.spaDir))
  const notFound = () => new Refusal(404, 'NOT_FOUND', SENTENCES.notFound)
  app.all('/ops/api/**', () => {
    throw notFound()
  })
  app.get('/ops/**', async (event) => {
    if (event.url.pathname === '/ops') return new FastResponse(null, { status: 301, headers: { location: '/ops/' } })
    const served = await serveSpa(event.req, event.url.pathname.slice('/ops/'.length))
    if (!served) throw notFound()
    return served
  })
  app.all('/**', () => {
    throw notFound()
  })
}
