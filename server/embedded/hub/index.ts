import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { H3, HTTPError, toNodeHandler } from 'h3'
import { registerOutageSwitch } from '../outage'
import { bearerAuth } from './auth'
import { registerDeviceRoutes } from './devices/routes'
import { ErpClient } from './erp'
import { HubError, codeForStatus, errorResponse, readJsonObject } from './errors'
import { HubEventLog, SseStreams, registerEventRoutes } from './events'
import { FaultPlan, FaultSpecError, parseFaultJson } from './faults'
import { registerJobRoutes } from './jobs'
import { registerSmsRoutes } from './sms'
import { registerTraccarRoutes } from './traccar'
import { UserStore } from './users/store'
import { registerUserRoutes } from './users/routes'
import { registerVisionRoutes } from './vision'

/**
 * The embedded hub: HUB.md implemented over the embedded ERPNext (reached over HTTP with a token,
 * exactly like production) and simulated devices, SMS, GPS and vision. Used by `npm start` when no
 * HUB_URL is configured, and by tests.
 */

export { HubEventLog } from './events'
export { FaultPlan } from './faults'
export { opticalStatus } from './devices/optical'

export const DEMO_HUB_TOKEN = 'demo-hub-token'

/** Timings a test shortens; the defaults are what a person would see in the demo. */
export interface HubTiming {
  /** queued → sent → delivered gap of simulated SMS (a reply comes 2.5 steps after delivery). */
  smsStepMs: number
  /** How long a device that does not answer holds the request before the 504 (< 1 s). */
  deviceTimeoutMs: number
  sseHeartbeatMs: number
  /** Every call to ERPNext gives up after this long. */
  erpTimeoutMs: number
  technicianCacheMs: number
  jobCacheMs: number
}

export const DEFAULT_TIMING: HubTiming = {
  smsStepMs: 400,
  deviceTimeoutMs: 700,
  sseHeartbeatMs: 15_000,
  erpTimeoutMs: 5_000,
  technicianCacheMs: 60_000,
  jobCacheMs: 15_000,
}

export interface HubOptions {
  erpUrl: string
  erpToken: string
  hubToken: string
  dataDir: string | null
  now?: () => Date
  faults?: string
  /** Mounts /_test/* (fault plan, event injection); also on with env HUB_TEST_HOOKS=1. */
  testHooks?: boolean
  timing?: Partial<HubTiming>
}

export interface Hub {
  app: H3
  close(): void
  events: HubEventLog
  faults: FaultPlan
}

export function createHub(opts: HubOptions): Hub {
  const timing: HubTiming = { ...DEFAULT_TIMING, ...opts.timing }
  const now = opts.now ?? (() => new Date())
  const events = new HubEventLog(1000)
  const faults = new FaultPlan(opts.faults)
  const streams = new SseStreams()
  const erp = new ErpClient({ url: opts.erpUrl, token: opts.erpToken, timeoutMs: timing.erpTimeoutMs })
  const store = UserStore.open(opts.dataDir, now())
  store.catch(() => {}) // reported by the /auth/users routes, not as an unhandled rejection

  const app = new H3({
    silent: true,
    onError(error: HTTPError) {
      if (error instanceof HubError) return errorResponse(error.status, error.code, error.message)
      const cause = error.cause
      if (cause instanceof HubError) return errorResponse(cause.status, cause.code, cause.message)
      if (error.unhandled || error.status >= 500) {
        // A caller that gave up (the BFF's 8 s vision timeout) is not a fault of the hub.
        if (cause instanceof Error && cause.message === 'aborted')
          return errorResponse(499, 'CLIENT_CLOSED', 'The caller closed the request')
        console.error('[hub] unhandled error:', cause ?? error)
        return errorResponse(500, 'INTERNAL_ERROR', 'Internal error in the hub')
      }
      const message = error.status === 404 ? 'No such route' : error.message
      return errorResponse(error.status, codeForStatus(error.status), message)
    },
  })
  app.use(bearerAuth(opts.hubToken))

  registerEventRoutes(app, events, streams, { heartbeatMs: timing.sseHeartbeatMs })
  const traccar = registerTraccarRoutes(app, {
    erp,
    faults,
    now,
    technicianCacheMs: timing.technicianCacheMs,
    jobCacheMs: timing.jobCacheMs,
  })
  registerJobRoutes(app, { erp, events, faults, onJobChanged: () => traccar.invalidateJobs() })
  registerDeviceRoutes(app, { erp, events, faults, now, deviceTimeoutMs: timing.deviceTimeoutMs })
  const sms = registerSmsRoutes(app, { erp, events, faults, now, stepMs: timing.smsStepMs })
  registerVisionRoutes(app, { faults })
  registerUserRoutes(app, { erp, faults, now, store })

  if (opts.testHooks || process.env.HUB_TEST_HOOKS === '1') registerTestHooks(app, faults, events)

  return {
    app,
    events,
    faults,
    close() {
      sms.close()
      streams.closeAll()
    },
  }
}

/** /_test/* — only when asked for, and still behind the bearer token. */
function registerTestHooks(app: H3, faults: FaultPlan, events: HubEventLog): void {
  app.get('/_test/faults', () => faults.snapshot())
  app.post('/_test/faults', async (event) => {
    try {
      faults.merge(parseFaultJson(await readJsonObject(event.req)))
    } catch (err) {
      if (err instanceof FaultSpecError) throw new HubError(400, 'INVALID_FAULTS', err.message)
      throw err
    }
    return faults.snapshot()
  })
  app.delete('/_test/faults', () => {
    faults.reset()
    return faults.snapshot()
  })
  // Lets an end-to-end test make "the outside world" speak: an inbound SMS, a device alarm…
  app.post('/_test/events', async (event) => {
    const body = await readJsonObject(event.req)
    if (typeof body.type !== 'string' || !/^[a-z]+\.[a-z_]+$/.test(body.type)) {
      throw new HubError(400, 'INVALID_EVENT', 'Expected {"type": "sms.inbound", "data": {...}}')
    }
    return { id: events.publish(body.type, body.data ?? {}) }
  })
}

export async function startHub(
  opts: HubOptions & { host?: string; port: number },
): Promise<{ url: string; close(): Promise<void>; hub: Hub }> {
  const hub = createHub(opts)
  const server = createServer(toNodeHandler(hub.app))
  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  let closing: Promise<void> | null = null
  const forgetSwitch = registerOutageSwitch('hub', server)
  return {
    url,
    hub,
    close() {
      forgetSwitch()
      closing ??= new Promise<void>((resolve) => {
        // End SSE streams cleanly first (clients see the end and reconnect elsewhere), then drop
        // whatever is still open after a short grace: keep-alive sockets would hold the port.
        hub.close()
        server.close(() => {
          clearTimeout(force)
          resolve()
        })
        setImmediate(() => server.closeIdleConnections())
        const force = setTimeout(() => server.closeAllConnections(), 250)
      })
      return closing
    },
  }
}
