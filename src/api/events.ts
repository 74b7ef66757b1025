/**
 * Live events from the BFF (/ops/api/events). EventSource reconnects by itself and resends
 * Last-Event-ID, so nothing is missed; on `resync` (too long away) listeners reload their data.
 * When the stream is closed for good (the server answered an error, a replica went away) a new
 * one is opened after a growing delay, resuming after the last event seen. `liveState` says how
 * the stream is doing, for the screens that show it: connected, reconnecting, or resynced (back
 * and caught up, for a few seconds).
 *
 * Data read elsewhere (the dispatch board) comes with the position in the stream it was read at;
 * `eventsAfter` gives the events after that position this page has received, so the events that
 * crossed the read on their way are applied again rather than lost.
 */
import { readonly, ref } from 'vue'
import { compareEventIds, isEventId } from '../contracts/eventIds'
import { parseJsonOr } from '../contracts/json'

export interface LiveEvent<T = unknown> {
  id: string
  type: string
  data: T
}
type Listener = (e: LiveEvent) => void

export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'resynced'

const REOPEN_FIRST_MS = 1_000
const REOPEN_CAP_MS = 30_000
const RESYNCED_SHOWN_MS = 8_000
/** Events kept for `eventsAfter`: far more than arrive while a board is read. */
const RECENT_KEPT = 1_000

const listeners = new Map<string, Set<Listener>>()
let source: EventSource | null = null
const TYPES = ['doc_update', 'job.updated', 'sms.inbound', 'sms.status', 'device.alarm', 'resync']
const state = ref<LiveState>('connecting')
/** The stream's state, read-only. */
export const liveState = readonly(state)
let lastId = ''
let dropped = false
let reopenDelay = REOPEN_FIRST_MS
let reopenTimer: ReturnType<typeof setTimeout> | null = null
let resyncedTimer: ReturnType<typeof setTimeout> | null = null
/**
 * How far back what this page received reaches without a gap: every event after `coveredFrom` is
 * in `recent`. Null until the stream has said where it starts.
 */
let coveredFrom: string | null = null
let recent: LiveEvent[] = []
let coverageKnown: (() => void)[] = []
/** The position the stream on its way was opened after ('' for from now). */
let openedFrom = ''

/** The stream starts afresh at `id`: nothing before it was received (or its thread was lost). */
function coverFrom(id: string) {
  coveredFrom = id
  recent = []
  const waiting = coverageKnown
  coverageKnown = []
  for (const resolve of waiting) resolve()
}

function remember(event: LiveEvent) {
  if (coveredFrom === null || !isEventId(event.id) || compareEventIds(event.id, coveredFrom) <= 0) return
  recent.push(event)
  if (recent.length > RECENT_KEPT) coveredFrom = recent.shift()!.id
}

/**
 * The events after `position` this page has received, oldest first; null when some may never
 * have reached it (the stream started after that position, or lost its thread since, or the
 * position is not one of the stream's), so whatever was read there must be read again. Waits
 * for the stream to say where it starts, if it has not yet.
 */
export async function eventsAfter(position: string): Promise<LiveEvent[] | null> {
  if (coveredFrom === null) {
    // Nothing received yet (the page has just opened): the stream starts where this read was
    // made instead, so what happened in between is replayed rather than missed.
    if (source && isEventId(position) && (!openedFrom || compareEventIds(position, openedFrom) < 0)) {
      source.close()
      source = null
      lastId = position
      ensureSource()
    }
    await new Promise<void>((resolve) => coverageKnown.push(resolve))
  }
  const from = coveredFrom
  if (from === null || !isEventId(position) || compareEventIds(position, from) < 0) return null
  return recent.filter((e) => compareEventIds(e.id, position) > 0)
}

/** Says the screens are caught up again (after a reconnection, or a reload after an outage). */
export function markResynced(): void {
  if (state.value === 'reconnecting') return
  state.value = 'resynced'
  if (resyncedTimer !== null) clearTimeout(resyncedTimer)
  resyncedTimer = setTimeout(() => {
    resyncedTimer = null
    if (state.value === 'resynced') state.value = 'connected'
  }, RESYNCED_SHOWN_MS)
}

function reopenLater() {
  if (reopenTimer !== null) return
  reopenTimer = setTimeout(
    () => {
      reopenTimer = null
      if ([...listeners.values()].some((s) => s.size > 0)) ensureSource()
    },
    reopenDelay * (0.8 + Math.random() * 0.4),
  )
  reopenDelay = Math.min(REOPEN_CAP_MS, reopenDelay * 2)
}

function ensureSource() {
  if (source || typeof EventSource === 'undefined') return
  const from = lastId
  const opened = new EventSource(from ? `/ops/api/events?lastEventId=${encodeURIComponent(from)}` : '/ops/api/events')
  source = opened
  openedFrom = from
  opened.onopen = () => {
    reopenDelay = REOPEN_FIRST_MS
    // Opened after a position: the server replays what followed it (or says resync), so what
    // this page receives from now on reaches back to it without a gap.
    if (from && coveredFrom === null) coverFrom(from)
    if (dropped) {
      // Back: the server replays what was missed (or sends `resync`), so the screens catch up.
      dropped = false
      state.value = 'connected'
      markResynced()
    } else state.value = 'connected'
  }
  opened.onerror = () => {
    dropped = true
    state.value = 'reconnecting'
    if (opened.readyState === EventSource.CLOSED) {
      if (source === opened) source = null
      reopenLater()
    }
  }
  // The stream's first word when opened without a position: where it starts, nothing replayed.
  opened.addEventListener('hello', (raw) => {
    const id = (raw as MessageEvent<string>).lastEventId
    if (id) lastId = id
    coverFrom(id)
  })
  for (const type of TYPES) {
    opened.addEventListener(type, (raw) => {
      const msg = raw as MessageEvent<string>
      const event = { id: msg.lastEventId, type, data: parseJsonOr(msg.data, null) }
      // A resync breaks the thread: what came before it may be missing, it starts again from here.
      if (type === 'resync') coverFrom(msg.lastEventId || lastId || '0')
      else remember(event)
      if (msg.lastEventId) lastId = msg.lastEventId
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
  if (reopenTimer !== null) clearTimeout(reopenTimer)
  reopenTimer = null
  dropped = false
  if (resyncedTimer !== null) clearTimeout(resyncedTimer)
  resyncedTimer = null
  reopenDelay = REOPEN_FIRST_MS
  state.value = 'connecting'
  // The next stream starts from now, as the first one did: nothing of this one's place is kept.
  lastId = ''
  openedFrom = ''
  coveredFrom = null
  recent = []
}
