/**
 * The BFF's event fan-out. Each event gets an id that increases; recent events are kept so a
 * browser that reconnects with Last-Event-ID receives exactly what it missed. One replica keeps
 * them in memory; several replicas share a Redis stream (events/redisBus.ts), so a browser can
 * resume on any of them.
 */
import { isEventId } from '../../src/contracts/eventIds'

export interface BusEvent {
  id: string
  type: string
  data: unknown
}
export type BusListener = (event: BusEvent) => void

export interface EventBus {
  publish(type: string, data: unknown): void
  /** Events after `id`, or null when some of them are no longer retained (the client must reload). */
  since(id: string): Promise<BusEvent[] | null>
  subscribe(listener: BusListener): () => void
  /** The id of the newest event ('0' when none). */
  lastId(): Promise<string>
  close(): Promise<void>
}

export { compareEventIds, isEventId } from '../../src/contracts/eventIds'

/** Calls each listener, so that one failing subscriber never stops the others. */
export function deliver(listeners: Iterable<BusListener>, event: BusEvent) {
  for (const l of listeners) {
    try {
      l(event)
    } catch {
      // the subscriber's own problem
    }
  }
}

/**
 * One replica's bus, in memory. Its ids are "<start>-<n>": the instant the process started, then
 * a counter, so an id from before a restart is never taken for one of this process's (the page
 * that presents one is told to reload, instead of being sent events it did not miss while missing
 * those it did) and sorts before every id of this one.
 */
export function createMemoryBus(retain = 5_000, epoch = Date.now()): EventBus {
  const events: BusEvent[] = []
  const listeners = new Set<BusListener>()
  let next = 1
  const idOf = (n: number) => `${epoch}-${n}`
  /** The counter of one of this process's ids; null for any other id. */
  const counterOf = (id: string): number | null => {
    if (!isEventId(id)) return null
    const [start, n] = id.split('-')
    return Number(start) === epoch && n !== undefined ? Number(n) : null
  }
  return {
    publish(type, data) {
      const event = { id: idOf(next++), type, data }
      events.push(event)
      if (events.length > retain) events.splice(0, events.length - retain)
      deliver(listeners, event)
    },
    async since(id) {
      const after = counterOf(id)
      if (after === null || after > next - 1) return null // another process's id: the client must reload
      if (after === next - 1) return []
      const first = events[0]
      if (!first || counterOf(first.id)! > after + 1) return null
      return events.filter((e) => counterOf(e.id)! > after)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    lastId: async () => idOf(next - 1),
    close: async () => listeners.clear(),
  }
}
