/**
 * Production entry point (also what the tests start): validates configuration, starts the
 * embedded ERPNext and hub when no upstream is configured, then serves the BFF on HOST:PORT.
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
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

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

async function main() {
  let config
  try {
    config = loadConfig(process.env, { spaDir: resolve(root, 'dist/spa') })
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`config: ${p}`)
      process.exit(1)
    }
    throw err
  }

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
    console.log(`embedded ERPNext on ${erp.url} (data in ${config.dataDir}, ready in ${Date.now() - started} ms)`)
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
    console.log(`embedded hub on ${hub.url}`)
  }

  const erp = createErpClient(erpUrl, erpToken!, config.upstreamTimeoutMs)
  const hub = createHubClient(hubUrl, hubToken!, config.upstreamTimeoutMs)
  const bus = config.redisUrl ? await createRedisBus(config.redisUrl) : createMemoryBus()
  closers.push(() => bus.close())
  const bridge = bridgeHubEvents(hub, bus)
  closers.push(() => bridge.stop())
  const limiter = config.redisUrl ? createRedisLimiter(config.redisUrl) : createMemoryLimiter()
  closers.push(async () => {
    await limiter.close?.()
  })
  const app = createApp(config, { erp, hub, bus, limiter, audit: createAuditJournal(config.dataDir) })

  const server = serve(app, { port: config.port, hostname: config.host, silent: true })
  await server.ready()
  // Keep idle connections open longer than the proxy in front (Traefik) and clients keep them, so
  // a request is never sent on a socket the server is closing at that instant (ECONNRESET).
  const http = server.node?.server
  if (http && 'keepAliveTimeout' in http) {
    http.keepAliveTimeout = 95_000
    http.headersTimeout = 96_000
  }
  console.log(
    `Gigafibre Ops on ${server.url ?? `http://${config.host}:${config.port}/`}ops/${config.demo ? ' (demo data)' : ''}`,
  )

  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    await server.close(true)
    for (const close of closers.reverse()) await close()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
