import type { H3 } from 'h3'
import { errorResponse } from './errors'

/**
 * The hub's event log and its SSE endpoint (`GET /sse`). Events are kept in memory (the last
 * ~1,000) so a client that reconnects with `Last-Event-ID` gets what it missed; ids are a
 * monotonic integer per hub process.
 */

export type HubEventType = 'sms.inbound' | 'sms.status' | 'job.updated' | 'device.alarm'
export const HUB_EVENT_TYPES: readonly HubEventType[] = ['sms.inbound', 'sms.status', 'job.updated', 'device.alarm']

export interface HubEvent {
  id: number
  type: string
  data: unknown
}

export type HubEventListener = (event: HubEvent) => void

export const SSE_TOPICS = ['sms', 'jobs', 'devices'] as const
export type SseTopic = (typeof SSE_TOPICS)[number]

/** `sms.*` → sms, `job.*` → jobs, `device.*` → devices. */
export function topicOf(type: string): SseTopic | null {
  const prefix = type.split('.')[0]
  if (prefix === 'sms') return 'sms'
  if (prefix === 'job') return 'jobs'
  if (prefix === 'device') return 'devices'
  return null
}

export class HubEventLog {
  private events: HubEvent[] = []
  private lastId = 0
  private listeners = new Set<HubEventListener>()

  constructor(private readonly capacity = 1000) {}

  publish(type: string, data: unknown): number {
    const event: HubEvent = { id: ++this.lastId, type, data }
    this.events.push(event)
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity)
    for (const listener of this.listeners) {
      // A failing subscriber must not stop the others nor the publisher.
      try {
        listener(event)
      } catch (err) {
        console.error('[hub] event listener failed', err)
      }
    }
    return event.id
  }

  /**
   * Retained events after `id`. An id ahead of ours means the client saw a previous hub process
   * (ids restart at 1): everything we hold is new to it.
   */
  since(id: number): HubEvent[] {
    if (id > this.lastId) return [...this.events]
    return this.events.filter((e) => e.id > id)
  }

  get latestId(): number {
    return this.lastId
  }

  subscribe(listener: HubEventListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }
}

/** Parses `topics=sms,jobs`; absent or empty → all topics. Unknown topics are a 400. */
export function parseTopics(raw: string | null): Set<SseTopic> | { unknown: string[] } {
  if (raw === null || raw.trim() === '') return new Set(SSE_TOPICS)
  const asked = raw
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
  const unknown = asked.filter((t) => !(SSE_TOPICS as readonly string[]).includes(t))
  if (unknown.length) return { unknown }
  return new Set(asked as SseTopic[])
}

export function formatSseEvent(event: HubEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`
}

export interface SseOptions {
  heartbeatMs: number
}

/** Open SSE streams, so the hub can end them all on close (otherwise a server can't shut down). */
export class SseStreams {
  private closers = new Set<() => void>()

  add(close: () => void): () => void {
    this.closers.add(close)
    return () => {
      this.closers.delete(close)
    }
  }

  closeAll(): void {
    for (const close of [...this.closers]) close()
    this.closers.clear()
  }

  get size(): number {
    return this.closers.size
  }
}

export function registerEventRoutes(app: H3, log: HubEventLog, streams: SseStreams, opts: SseOptions): void {
  app.get('/sse', (event) => {
    const url = event.url
    const topics = parseTopics(url.searchParams.get('topics'))
    if (!(topics instanceof Set)) {
      return errorResponse(
        400,
        'UNKNOWN_TOPIC',
        `Unknown topic(s): ${topics.unknown.join(', ')} (one of ${SSE_TOPICS.join(', ')})`,
      )
    }
    const lastRaw = event.req.headers.get('last-event-id') ?? url.searchParams.get('lastEventId')
    const lastId = lastRaw !== null && /^\d+$/.test(lastRaw.trim()) ? Number(lastRaw.trim()) : null
    const wanted = (e: HubEvent) => {
      const topic = topicOf(e.type)
      return topic !== null && topics.has(topic)
    }

    const encoder = new TextEncoder()
    let cleanup = () => {}
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        let open = true
        const send = (text: string) => {
          if (!open) return
          try {
            controller.enqueue(encoder.encode(text))
          } catch {
            cleanup()
          }
        }
        // Subscribe before replaying so nothing published in between is lost; replayed ids are
        // remembered to avoid sending an event twice.
        let replayedUpTo = 0
        const unsubscribe = log.subscribe((e) => {
          if (e.id > replayedUpTo && wanted(e)) send(formatSseEvent(e))
        })
        send(`retry: 3000\n: connected, latest id ${log.latestId}\n\n`)
        if (lastId !== null) {
          for (const e of log.since(lastId)) if (wanted(e)) send(formatSseEvent(e))
        }
        replayedUpTo = log.latestId
        const heartbeat = setInterval(() => send(`: heartbeat ${new Date().toISOString()}\n\n`), opts.heartbeatMs)
        const forget = streams.add(() => cleanup())
        cleanup = () => {
          if (!open) return
          open = false
          clearInterval(heartbeat)
          unsubscribe()
          forget()
          try {
            controller.close()
          } catch {
            /* already closed by the client */
          }
        }
      },
      cancel() {
        cleanup()
      },
    })
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      },
    })
  })
}
