/**
 * GET /ops/api/events: server-sent events for the SPA. Resumes with Last-Event-ID; when the
 * missed events are no longer retained it sends `resync` so the page reloads its data instead of
 * silently missing a change.
 */
import type { EventBus, BusEvent } from '../events/bus'

const HEARTBEAT_MS = 15_000

export function eventStream(req: Request, bus: EventBus, accept: (e: BusEvent) => boolean = () => true): Response {
  const url = new URL(req.url)
  const lastRaw = req.headers.get('last-event-id') ?? url.searchParams.get('lastEventId')
  const lastId = lastRaw && /^\d+$/.test(lastRaw) ? Number(lastRaw) : null
  const encoder = new TextEncoder()
  let cleanup = () => {}
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text))
        } catch {
          cleanup()
        }
      }
      const send = (e: BusEvent) => {
        if (accept(e)) write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`)
      }
      write(`retry: 2000\n: connected\n\n`)
      if (lastId !== null) {
        const missed = bus.since(lastId)
        if (missed === null) write(`id: ${bus.lastId()}\nevent: resync\ndata: {}\n\n`)
        else missed.forEach(send)
      } else {
        write(`id: ${bus.lastId()}\nevent: hello\ndata: {}\n\n`)
      }
      const unsubscribe = bus.subscribe(send)
      const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS)
      cleanup = () => {
        clearInterval(heartbeat)
        unsubscribe()
      }
      req.signal?.addEventListener('abort', () => {
        cleanup()
        try {
          controller.close()
        } catch {
          // already closed
        }
      })
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
