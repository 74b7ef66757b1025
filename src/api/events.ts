/**
 * Live events from the BFF (/ops/api/events). EventSource reconnects by itself and resends
 * Last-Event-ID, so nothing is missed; on `resync` (too long away) listeners reload their data.
 */
import { parseJsonOr } from '../contracts/json'

export interface LiveEvent<T = unknown> {
  id: string
  type: string
  data: T
}
type Listener = (e: LiveEvent) => void

const listeners = new Map<string, Set<Listener>>()
let source: EventSource | null = null
const TYPES = ['doc_update', 'job.updated', 'sms.inbound', 'sms.status', 'device.alarm', 'resync']

function ensureSource() {
  if (source || typeof EventSource === 'undefined') return
  source = new EventSource('/ops/api/events')
  for (const type of TYPES) {
    source.addEventListener(type, (raw) => {
      const msg = raw as MessageEvent<string>
      const event = { id: msg.lastEventId, type, data: parseJsonOr(msg.data, null) }
      for (const l of listeners.get(type) ?? []) l(event)
      for (const l of listeners.get('*') ?? []) l(event)
    })
  }
}

/** Subscribes to one event type ('*' for all); returns the unsubscribe function. */
export function onLiveEvent<T>(type: string, listener: (e: LiveEvent<T>) => void): () => void {
  ensureSource()
  const set = listeners.get(type) ?? new Set<Listener>()
  set.add(listener as Listener)
  listeners.set(type, set)
  return () => set.delete(listener as Listener)
}

export function closeLiveEvents() {
  source?.close()
  source = null
}
