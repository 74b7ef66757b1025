/**
 * Production entry point (also what the tests start): validates configuration, starts the
 * embedded ERPNext and hub when no upstream is configured, then serves the BFF on HOST:PORT.
 *
 * On SIGTERM (or SIGINT) it shuts down gracefully: it stops accepting connections, lets the
 * requests in flight finish, ends the event streams with a retry hint so browsers reconnect
 * (to another replica, resuming from Last-Event-ID), flushes the event bus, and exits within
 * SHUTDOWN_MS.
 */
import { Server as HttpServer } from 'node:http'
import { serve } from 'h3'
import { createApp } from './app'
import { createAuditJournal } from './audit'
import { ConfigError, loadConfig } from './config'
import { createMemoryBus } from './events/bus'
import { createRedisBus } from './events/redisBus'
import { createMemoryLimiter, createRedisLimiter } from './rateLimit'
import { bridgeHubEvents } from './events/hubBridge'
import { createErpClient } from './upstream/erp'
import { createHubClient } from './upstream/hub'
import { createBreakers } from './upstream/breaker'
import { errorField, log, redactSecret } from './log'
import { noteBreaker } from './metrics'
import { warmStatic } from './static'
import { endAllStreams, lifecycle, openStreams } from './events/streams'
import { UPSTREAMS } from './upstream/breaker'
import { fromRoot } from './paths'

/** A replica shuts down within this, whatever is still open (orchestrators kill at 10 s or later). */
const SHUTDOWN_MS = 8_500

async function main() {
  let config
  try {
    config = loadConfig(process.env, { spaDir: fromRoot('dist/spa') })
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`config: ${p}\n`)
      process.exit(1)
    }
    throw err
  }

  redactSecret(config.erpToken)
  redactSecret(config.hubToken)
  redactSecret(config.metricsToken)
  const closers: (() => unknown)[] = []
  let erpUrl = config.erpUrl
  let erpToken = config.erpToken
  if (!erpUrl) {
    const { startErpnext, DEMO_ERP_TOKEN } = await import('./embedded/erpnext/index')
    erpToken = erpToken ?? DEMO_ERP_TOKEN
    const started = Date.now()
    const erp = await startErpnext({
      dataDir: config.dataDir,
      token: erpToken,
      seedProfile: config.seedProfile,
      seedNow: config.seedNow ?? undefined,
      port: Number(process.env.EMBEDDED_ERP_PORT ?? 0),
    })
    erpUrl = erp.url
    closers.push(erp.close)
    log.info({ url: erp.url, dataDir: config.dataDir, ms: Date.now() - started }, 'embedded ERPNext started')
  }
  let hubUrl = config.hubUrl
  let hubToken = config.hubToken
  if (!hubUrl) {
    const { startHub, DEMO_HUB_TOKEN } = await import('./embedded/hub/index')
    hubToken = hubToken ?? DEMO_HUB_TOKEN
    const hub = await startHub({
      erpUrl,
      erpToken: erpToken!,
      hubToken,
      dataDir: config.dataDir,
      faults: process.env.HUB_FAULTS,
      testHooks: config.hubTestHooks,
      port: Number(process.env.EMBEDDED_HUB_PORT ?? 0),
    })
    hubUrl = hub.url
    closers.push(hub.close)
    log.info({ url: hub.url }, 'embedded hub started')
  }

  redactSecret(erpToken)
  redactSecret(hubToken)
  const breakers = createBreakers(
    {
      threshold: config.breakerThreshold,
      cooldownMs: config.breakerCooldownMs,
      retries: config.upstreamRetries,
    },
    (upstream, state) => {
      noteBreaker(upstream, state)
      if (state === 'open') log.warn({ upstream, state }, 'breaker opened: failing fast')
      else
        log.info({ upstream, state }, `breaker ${state === 'closed' ? 'closed: upstream back' : 'half-open: probing'}`)
    },
  )
  for (const upstream of UPSTREAMS) noteBreaker(upstream, 'closed')
  const erp = createErpClient(erpUrl, erpToken!, config.upstreamTimeoutMs, { breakers })
  const hub = createHubClient(hubUrl, hubToken!, config.upstreamTimeoutMs, { breakers })
  const warn = (msg: string) => log.warn(msg)
  const bus = config.redisUrl ? await createRedisBus(config.redisUrl, warn) : createMemoryBus()
  closers.push(() => bus.close())
  const bridge = bridgeHubEvents(hub, bus, { log: warn })
  closers.push(() => bridge.stop())
  const limiter = config.redisUrl ? createRedisLimiter(config.redisUrl, warn) : createMemoryLimiter()
  closers.push(async () => {
    await limiter.close?.()
  })
  const app = createApp(config, { erp, hub, bus, limiter, breakers, audit: createAuditJournal(config.dataDir) })

  const server = serve(app, { port: config.port, hostname: config.host, silent: true })
  await server.ready()
  // Keep idle connections open longer than the proxy in front (Traefik) and clients keep them, so
  // a request is never sent on a socket the server is closing at that instant (ECONNRESET).
  const node = server.node?.server
  const http = node instanceof HttpServer ? node : undefined
  if (http) {
    http.keepAliveTimeout = 95_000
    http.headersTimeout = 96_000
  }
  log.info(
    { url: `${server.url ?? `http://${config.host}:${config.port}/`}ops/`, demo: config.demo },
    'Gigafibre Ops listening',
  )
  // The SPA's files compressed before the first visit asks for them.
  const warming = Date.now()
  void warmStatic(config.spaDir).then((files) =>
    log.info({ files, ms: Date.now() - warming }, 'SPA files ready to serve'),
  )

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    const started = Date.now()
    const deadline = started + SHUTDOWN_MS
    lifecycle.draining = true
    log.info({ signal, streams: openStreams() }, 'shutting down: no new connections, finishing requests')
    const stopped = new Promise<void>((resolve) => {
      if (!http) return resolve()
      http.close(() => resolve())
      http.closeIdleConnections()
    })
    const streams = endAllStreams()
    // Connections that finish a request while draining are closed (`connection: close`); idle ones now.
    const sweep = setInterval(() => http?.closeIdleConnections(), 100)
    const forced = await Promise.race([
      stopped.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), Math.max(0, deadline - Date.now()))),
    ])
    clearInterval(sweep)
    if (forced) http?.closeAllConnections()
    for (const close of closers.reverse()) {
      await Promise.race([
        Promise.resolve()
          .then(close)
          .catch((err: unknown) => log.warn({ err: errorField(err) }, 'shutdown: a close step failed')),
        new Promise((r) => setTimeout(r, 1_000)),
      ])
    }
    log.info({ ms: Date.now() - started, streams, forced }, 'stopped')
    log.flush()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

main().catch((err: unknown) => {
  log.fatal({ err: errorField(err) }, 'could not start')
  log.flush()
  process.exit(1)
})
