/**
 * GET /ops/api/positions — every active technician's last GPS fix, merged. Traccar answers one
 * device per request, so the BFF asks the hub for all of them in parallel, each with its own
 * timeout; a device that fails or is slow only drops out of this round (its previous fix is kept).
 * The merged list is cached briefly so many open boards cost one poll.
 */
import type { H3 } from 'h3'
import type { PositionsPayload, TechnicianPosition } from '../../src/contracts/dispatch'
import type { AppContext, FeatureRoutes } from '../app'
import { largeJson, Refusal } from '../errors'
import { requireCapability } from '../guard'
import type { ErpClient } from '../upstream/erp'
import type { HubClient } from '../upstream/hub'

const KMH_PER_KNOT = 1.852

export interface PositionOptions {
  /** How long one merged poll is served before the next one. */
  cacheMs: number
  /** Per-device timeout. */
  deviceTimeoutMs: number
  /** How long the technician → device list is kept. */
  rosterMs: number
  /** At most this many device requests at once, so 1,000 technicians do not open 1,000 sockets. */
  concurrency: number
  now: () => number
}

export const DEFAULT_POSITION_OPTIONS: PositionOptions = {
  cacheMs: 10_000,
  deviceTimeoutMs: 2_000,
  rosterMs: 60_000,
  concurrency: 64,
  now: Date.now,
}

interface TraccarFix {
  latitude?: unknown
  longitude?: unknown
  speed?: unknown
  course?: unknown
  fixTime?: unknown
}

interface Roster {
  technician: string
  deviceId: number
}

/** Runs `task` over `items` with at most `limit` in flight; settles like Promise.allSettled. */
async function settleLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      const [settled] = await Promise.allSettled([task(items[i])])
      results[i] = settled
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export function createPositionSource(erp: ErpClient, hub: HubClient, options: Partial<PositionOptions> = {}) {
  const opts = { ...DEFAULT_POSITION_OPTIONS, ...options }
  let roster: { at: number; rows: Promise<Roster[]> } | null = null
  let merged: { at: number; payload: Promise<PositionsPayload> } | null = null
  const lastKnown = new Map<string, TechnicianPosition>()

  function technicians(now: number): Promise<Roster[]> {
    if (!roster || now - roster.at >= opts.rosterMs) {
      const rows = erp
        .list<{ name: string; traccar_device_id?: number | null }>('Technician', {
          fields: ['name', 'traccar_device_id'],
          filters: [
            ['status', '=', 'Active'],
            ['traccar_device_id', 'is', 'set'],
          ],
        })
        .then((list) =>
          list
            .filter((t) => Number.isInteger(Number(t.traccar_device_id)) && Number(t.traccar_device_id) > 0)
            .map((t) => ({ technician: t.name, deviceId: Number(t.traccar_device_id) })),
        )
      roster = { at: now, rows }
      rows.catch(() => {
        if (roster?.rows === rows) roster = null
      })
    }
    return roster.rows
  }

  async function fixOf(entry: Roster): Promise<TechnicianPosition> {
    const answer = await hub.json<TraccarFix>(`/traccar/positions?deviceId=${entry.deviceId}`, opts.deviceTimeoutMs)
    const fix = answer.data
    if (answer.status !== 200 || !fix) throw new Error(`device ${entry.deviceId} answered ${answer.status}`)
    const latitude = Number(fix.latitude)
    const longitude = Number(fix.longitude)
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude))
      throw new Error(`device ${entry.deviceId} sent no coordinates`)
    return {
      technician: entry.technician,
      latitude,
      longitude,
      speedKmh: Math.round((Number(fix.speed) || 0) * KMH_PER_KNOT * 10) / 10,
      course: Number(fix.course) || 0,
      fixTime: typeof fix.fixTime === 'string' ? fix.fixTime : new Date(opts.now()).toISOString(),
    }
  }

  async function poll(now: number): Promise<PositionsPayload> {
    const list = await technicians(now)
    const settled = await settleLimited(list, opts.concurrency, fixOf)
    const missing: string[] = []
    settled.forEach((r, i) => {
      const technician = list[i].technician
      if (r.status === 'fulfilled') lastKnown.set(technician, r.value)
      else missing.push(technician)
    })
    const current = new Set(list.map((e) => e.technician))
    for (const name of lastKnown.keys()) if (!current.has(name)) lastKnown.delete(name)
    return { positions: [...lastKnown.values()], missing, polledAt: new Date(now).toISOString() }
  }

  return {
    /** The merged positions, polled at most once per cacheMs (concurrent callers share one poll). */
    get(): Promise<PositionsPayload> {
      const now = opts.now()
      if (!merged || now - merged.at >= opts.cacheMs || now < merged.at) {
        const payload = poll(now)
        merged = { at: now, payload }
        payload.catch(() => {
          if (merged?.payload === payload) merged = null
        })
      }
      return merged.payload
    },
  }
}

export function positionRoutes(options: Partial<PositionOptions> = {}): FeatureRoutes {
  return (app: H3, ctx: AppContext) => {
    const source = createPositionSource(ctx.erp, ctx.hub, options)
    app.get('/ops/api/positions', async (event) => {
      requireCapability(ctx, event, 'dispatch:view')
      try {
        return await largeJson(event.req, 200, await source.get())
      } catch {
        throw new Refusal(502, 'POSITIONS_UNAVAILABLE', {
          fr: 'Les positions des techniciens sont indisponibles pour le moment. Elles reviendront d’elles-mêmes.',
          en: 'Technician positions are unavailable right now. They will come back on their own.',
        })
      }
    })
  }
}
