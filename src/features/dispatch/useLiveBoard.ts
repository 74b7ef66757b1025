/**
 * Keeps an open board current: patches the one job named by each live event (a write through
 * the BFF, or the hub's job.updated), reloads the range on `resync` or when a patch cannot be
 * applied (see livePatches.ts), polls technicians' positions while the page is visible, and ticks
 * the clock for the now-line and "in the past".
 */
import { onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue'
import { onLiveEvent } from 'src/api/events'
import { createLivePatches } from './livePatches'
import { useDispatchBoard } from './useDispatchBoard'

interface DocUpdate {
  doctype?: string
  name?: string
  modified?: string
  action?: string
}

const POSITIONS_EVERY_MS = 15_000
const CLOCK_EVERY_MS = 30_000

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

  onMounted(() => {
    stops.push(
      onLiveEvent<DocUpdate>('doc_update', (e) => {
        if (e.data?.doctype === 'Dispatch Job') void live.onChange(e.data.name, e.data.modified, e.data.action)
      }),
    )
    stops.push(onLiveEvent<DocUpdate>('job.updated', (e) => void live.onChange(e.data?.name, e.data?.modified)))
    stops.push(onLiveEvent('resync', () => void live.resync()))
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
