/**
 * Test hooks only: takes an embedded upstream off the network and brings it back on the same
 * port, so a journey can watch the screens while ERPNext or the hub is down. Pausing closes the
 * listening socket and every open connection, so callers meet "connection refused" as from a
 * stopped process; resuming listens again where it was. Reached only through
 * /ops/api/_test/upstreams (demo mode with HUB_TEST_HOOKS=1, see server/routes/techTestHooks.ts).
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type EmbeddedUpstream = 'erpnext' | 'hub'

export interface OutageSwitch {
  readonly paused: boolean
  pause(): Promise<void>
  resume(): Promise<void>
}

const switches = new Map<EmbeddedUpstream, OutageSwitch>()

/** Makes `server` pausable under `name`; returns the function that forgets it (on close). */
export function registerOutageSwitch(name: EmbeddedUpstream, server: Server): () => void {
  const { port, address } = server.address() as AddressInfo
  let paused = false
  const sw: OutageSwitch = {
    get paused() {
      return paused
    },
    async pause() {
      if (paused) return
      paused = true
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
    async resume() {
      if (!paused) return
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, address, () => {
          server.off('error', reject)
          resolve()
        })
      })
      paused = false
    },
  }
  switches.set(name, sw)
  return () => {
    if (switches.get(name) === sw) switches.delete(name)
  }
}

export function outageSwitch(name: EmbeddedUpstream): OutageSwitch | null {
  return switches.get(name) ?? null
}
