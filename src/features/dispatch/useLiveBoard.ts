/**
 * Keeps an open board current: patches the one job named by each live event (a write through
 * the BFF, or the hub's job.updated), renames a renamed customer on their jobs, reads a changed
 * technician's row again, and the tags when one was added or edited; reloads the range when a tag
 * was deleted, on `resync`, or when a patch cannot be applied (see
 * livePatches.ts), polls technicians' positions while the page is visible, and ticks
 * the clock for the now-line and "in the past".
 *
 * A board is read at a position in the live stream, and the events after it may cross the read
 * on their way (a job moved while the board was read, or before the stream was open): once a
 * board is drawn, the events after its position are applied again, or, when the page cannot know
 * them all, the board is read again.
 */
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { eventsAfter, onLiveEvent, type LiveEvent } from 'src/api/events'
import { boardChangeOf, createLivePatches, newestPerDocument } from './livePatches'
import { useDispatchBoard } from './useDispatchBoard'

const POSITIONS_EVERY_MS = 15_000
const CLOCK_EVERY_MS = 30_000
/** A board read again because events were missed is not read again for that reason sooner than this. */
const GAP_RELOAD_AFTER_MS = 10_000

export function useLiveBoard(opts: { now: Ref<number>; reload: () => Promise<void> }) {
  const store = useDispatchBoard()
  const positionsDown = ref(false)
  const stops: (() => void)[] = []
  let clock = 0
  let positionsTimer = 0

  const live = createLivePatches(store, opts.reload)

  async function pollPositions() {
    if (document.visibilityState === 'hidden') return
    try {
      await store.loadPositions()
      positionsDown.value = false
    } catch {
      positionsDown.value = true
    }
  }

  /** The board first, then the map's technicians: the first poll waits until the whole board is in. */
  function firstPoll() {
    const start = () => requestAnimationFrame(() => setTimeout(() => void pollPositions(), 0))
    if (store.state === 'ready' && store.complete) return start()
    const stop = watch(
      () => [store.state, store.complete] as const,
      ([state, complete]) => {
        if (!(state === 'ready' && complete) && state !== 'error') return
        stop()
        start()
      },
    )
    stops.push(stop)
  }

  function apply(e: LiveEvent) {
    const change = boardChangeOf(e)
    if (change?.kind === 'job') void live.onChange(change.name, change.modified, change.action)
    else if (change?.kind === 'customer') void store.customerChanged(change.name).catch(() => live.resync())
    else if (change?.kind === 'technician')
      void store.technicianChanged(change.name, change.action).catch(() => live.resync())
    else if (change?.kind === 'tags') void store.tagsChanged().catch(() => live.resync())
    else if (change?.kind === 'reload') void live.resync()
  }

  let gapReloadAt = -Infinity
  /** Applies again the events after the position the board was read at, or reads it again. */
  async function catchUp(loaded: { id: string }) {
    const missed = await eventsAfter(loaded.id)
    if (store.readAt !== loaded) return // a newer load is caught up on its own
    if (missed) {
      // Each job once, as its newest event says (a board left for an hour may have many).
      for (const e of newestPerDocument(missed)) apply(e)
      return
    }
    // Events between the board's read and the stream's start may be missing: read it again, once
    // in a while at most (replicas a few milliseconds apart must not make a loop of it).
    if (performance.now() - gapReloadAt < GAP_RELOAD_AFTER_MS) return
    gapReloadAt = performance.now()
    void live.resync()
  }

  onMounted(() => {
    stops.push(onLiveEvent('doc_update', apply))
    stops.push(onLiveEvent('job.updated', apply))
    stops.push(onLiveEvent('resync', () => void live.resync()))
    stops.push(
      watch(
        () => store.readAt,
        (loaded) => {
          if (loaded) void catchUp(loaded)
        },
        { immediate: true },
      ),
    )
    clock = window.setInterval(() => {
      opts.now.value = Date.now()
    }, CLOCK_EVERY_MS)
    firstPoll()
    positionsTimer = window.setInterval(() => void pollPositions(), POSITIONS_EVERY_MS)
  })

  onBeforeUnmount(() => {
    for (const stop of stops) stop()
    window.clearInterval(clock)
    window.clearInterval(positionsTimer)
  })

  return { positionsDown }
}
