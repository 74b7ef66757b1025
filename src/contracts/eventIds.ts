/**
 * The ids of the BFF's live events, as the server gives them and the page compares them: plain
 * counters ("42") from one replica's memory, Redis stream ids ("1732712345678-3") when several
 * replicas share a stream. Both increase with every event.
 */

/** Orders event ids: negative when `a` came first, 0 for the same event, positive when later. */
export function compareEventIds(a: string, b: string): number {
  const pa = a.split('-').map(Number)
  const pb = b.split('-').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

export const isEventId = (id: string) => /^\d+(-\d+)?$/.test(id)

/**
 * The response header that carries the position in the event stream a board was read at: the
 * board shows every event up to it, so the page needs only the events after it.
 */
export const EVENT_POSITION_HEADER = 'event-position'
