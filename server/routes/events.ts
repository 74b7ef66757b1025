/**
 * GET /ops/api/events: server-sent events for the SPA. Resumes with Last-Event-ID; when the
 * missed events are no longer retained it sends `resync` so the page reloads its data instead of
 * silently missing a change.
 */
import type { H3 } from 'h3'
import type { AppContext } from '../app'
import { compareEventIds, type BusEvent, type EventBus } from '../events/bus'
import { technicianEvents } from '../events/techEvents'
import { requireUser } from '../guard'
import { trackStream, type OpenStream } from '../events/streams'

const HEARTBEAT_MS = 15_000

/**
 * An event as it goes on the wire, encoded once however many streams send it: with a thousand
 * boards open, one change was being serialised a thousand times.
 */
const wireCache = new WeakMap<BusEvent, Uint8Array>()
const wireEncoder = new TextEncoder()
function format(e: BusEvent): Uint8Array {
  let bytes = wireCache.get(e)
  if (!bytes) {
    bytes = wireEncoder.encode(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`)
    wireCache.set(e, bytes)
  }
  return bytes
}

/**
 * An event as a technician's stream sends it: a job's event without whose the job now is, which,
 * for the one taking a job off them, names a colleague (the BFF's replicas use it, not the tablet).
 */
const technicianWireCache = new WeakMap<BusEvent, Uint8Array>()
function formatForTechnician(e: BusEvent): Uint8Array {
  if (typeof e.data !== 'object' || e.data === null || !('technician' in e.data)) return format(e)
  let bytes = technicianWireCache.get(e)
  if (!bytes) {
    const { technician: _holder, ...data } = e.data as Record<string, unknown>
    bytes = wireEncoder.encode(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`)
    technicianWireCache.set(e, bytes)
  }
  return bytes
}

/**
 * `accept` decides per event whether this stream carries it; it may need to look something up,
 * so it may answer later — events are still written in the order they were published.
 */
export function eventStream(
  req: Request,
  bus: EventBus,
  accept: (e: BusEvent) => boolean | Promise<boolean> = () => true,
  audience: OpenStream['audience'] = 'office',
): Response {
  const url = new URL(req.url)
  const lastId = req.headers.get('last-event-id') ?? url.searchParams.get('lastEventId')
  const encoder = new TextEncoder()
  const wire = audience === 'technician' ? formatForTechnician : format
  let cleanup = () => {}
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true
      const write = (chunk: string | Uint8Array) => {
        if (!open) return
        try {
          controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
        } catch {
          cleanup()
        }
      }
      let newestSent: string | null = null
      // Events whose decision is pending keep their place: later ones wait behind them.
      let queue: Promise<void> = Promise.resolve()
      let waiting = 0
      const decide = async (e: BusEvent) => {
        try {
          return await accept(e)
        } catch {
          return false
        }
      }
      const send = (e: BusEvent) => {
        if (newestSent !== null && compareEventIds(e.id, newestSent) <= 0) return
        newestSent = e.id
        if (waiting === 0) {
          let verdict: boolean | Promise<boolean>
          try {
            verdict = accept(e)
          } catch {
            return
          }
          if (typeof verdict === 'boolean') {
            if (verdict) write(wire(e))
            return
          }
          waiting++
          queue = verdict
            .then(
              (ok) => {
                if (ok) write(wire(e))
              },
              () => undefined,
            )
            .finally(() => {
              waiting--
            })
          return
        }
        waiting++
        queue = queue
          .then(async () => {
            if (await decide(e)) write(wire(e))
          })
          .finally(() => {
            waiting--
          })
      }
      // Listen first and hold live events back while the missed ones are replayed, so an event
      // published meanwhile is neither lost nor sent twice.
      const held: BusEvent[] = []
      let replaying = true
      const unsubscribe = bus.subscribe((e) => (replaying ? held.push(e) : send(e)))
      const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS)
      // On a graceful shutdown: what is queued is written, then a retry hint, then the end.
      const untrack = trackStream({
        audience,
        end(retryMs) {
          void queue.then(() => {
            write(`retry: ${retryMs}\n: restarting\n\n`)
            cleanup()
            try {
              controller.close()
            } catch {
              // already closed
            }
          })
        },
      })
      cleanup = () => {
        open = false
        clearInterval(heartbeat)
        unsubscribe()
        untrack()
      }
      req.signal?.addEventListener('abort', () => {
        cleanup()
        try {
          controller.close()
        } catch {
          // already closed
        }
      })

      write('retry: 2000\n: connected\n\n')
      try {
        if (lastId !== null) {
          const missed = await bus.since(lastId)
          if (missed === null) {
            const newest = await bus.lastId()
            newestSent = newest
            write(`id: ${newest}\nevent: resync\ndata: {}\n\n`)
          } else {
            missed.forEach(send)
          }
        } else {
          const newest = await bus.lastId()
          newestSent = newest
          write(`id: ${newest}\nevent: hello\ndata: {}\n\n`)
        }
      } catch {
        write('event: resync\ndata: {}\n\n')
      }
      replaying = false
      held.forEach(send)
    },
    cancel() {
      cleanup()
    },
  })
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  })
}

export function eventRoutes(app: H3, ctx: AppContext): void {
  app.get('/ops/api/events', (event) => {
    const user = requireUser(ctx, event)
    // A technician's stream carries only what concerns their own jobs; office staff see the rest,
    // SMS only with clients:view.
    const office = user.capabilities.some((c) => c !== 'tech:self')
    if (!office)
      return eventStream(
        event.req,
        ctx.bus,
        technicianEvents(
          () => ctx.scopes.of(user),
          ctx.docs,
          () => ctx.scopes.forget(user.email),
        ),
        'technician',
      )
    const seesSms = user.capabilities.includes('clients:view')
    return eventStream(event.req, ctx.bus, (e) => seesSms || !e.type.startsWith('sms.'))
  })
}
