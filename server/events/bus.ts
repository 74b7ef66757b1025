/**
 * The BFF's event fan-out. Each event gets an increasing id; the last few thousand are kept so a
 * browser that reconnects with Last-Event-ID receives exactly what it missed.
 */
export interface BusEvent { id: number; type: string; data: unknown }
export type BusListener = (event: BusEvent) => void

export interface EventBus {
  publish(type: string, data: unknown): BusEvent
  /** Events after `id`, or null when some of them are no longer retained (the client must reload). */
  since(id: number): BusEvent[] | null
  subscribe(listener: BusListener): () => void
  lastId(): number
}

export function createMemoryBus(retain = 5_000): EventBus {
  const events: BusEvent[] = []
  const listeners = new Set<BusListener>()
  let next = 1
  return {
    publish(type, data) {
      const event = { id: next++, type, data }
      events.push(event)
      if (events.length > retain) events.splice(0, events.length - retain)
      for (const l of listeners) {
        try {
          l(event)
        } catch {
          // a failing subscriber must not stop the others
        }
      }
      return event
    },
    since(id) {
      if (id >= next - 1) return []
      const first = events[0]
      if (!first || first.id > id + 1) return id === 0 ? [...events] : null
      return events.filter((e) => e.id > id)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    lastId: () => next - 1,
  }
}
